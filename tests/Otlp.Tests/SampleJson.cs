namespace LlamaAspire.Otlp.Tests;

/// <summary>OTLP/JSON as the spec writes it: hex ids, 64-bit integers as strings, enums as numbers.</summary>
internal static class SampleJson
{
    public const string Trace = """
        {
          "resourceSpans": [{
            "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "llama-jit" } }] },
            "scopeSpans": [{
              "scope": { "name": "LlamaAspire.InferenceFunction" },
              "spans": [
                {
                  "traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "eee19b7ec3c1b174", "parentSpanId": "",
                  "name": "platform.init", "kind": 2,
                  "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001000000000"
                },
                {
                  "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175", "parentSpanId": "eee19b7ec3c1b174",
                  "name": "function.init", "kind": 1,
                  "startTimeUnixNano": "1700000000123456789", "endTimeUnixNano": 1700000000373456790,
                  "attributes": [
                    { "key": "retries", "value": { "intValue": "42" } },
                    { "key": "ratio", "value": { "doubleValue": 0.5 } },
                    { "key": "cold", "value": { "boolValue": true } },
                    { "key": "phases", "value": { "arrayValue": { "values": [{ "stringValue": "a" }, { "intValue": 2 }] } } },
                    { "key": "empty", "value": {} }
                  ],
                  "status": { "code": 2, "message": "boom" }
                }
              ]
            }]
          }]
        }
        """;
}
