#!/bin/bash
# A custom runtime in bash (AWS's tutorial style): answers every invoke with an API Gateway v2 structured response,
# echoing the Client-Context and Trace-Id headers it received.
set -uo pipefail
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS=$(mktemp)
  curl -sS -D "$HEADERS" -o /dev/null "$API/invocation/next" || exit 1
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\r')
  CC=$(grep -i '^Lambda-Runtime-Client-Context:' "$HEADERS" | cut -d' ' -f2- | tr -d '\r' | base64 -w0)
  TRACE=$(grep -i '^Lambda-Runtime-Trace-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\r')
  rm -f "$HEADERS"
  BODY=$(printf 'hello' | base64 -w0)
  curl -sS -o /dev/null -X POST "$API/invocation/$ID/response" \
    -d "{\"statusCode\":201,\"headers\":{\"x-client-context\":\"$CC\",\"x-trace-id\":\"$TRACE\",\"content-type\":\"text/plain\"},\"cookies\":[\"a=1\",\"b=2\"],\"body\":\"$BODY\",\"isBase64Encoded\":true}"
done
