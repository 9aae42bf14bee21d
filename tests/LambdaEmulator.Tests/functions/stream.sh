#!/bin/bash
# A streaming custom runtime in bash: the function-URL prelude (JSON metadata + 8 NUL bytes), then 4 chunks 400 ms apart,
# sent with Lambda-Runtime-Function-Response-Mode: streaming and chunked transfer encoding.
set -uo pipefail
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS=$(mktemp)
  curl -sS -D "$HEADERS" -o /dev/null "$API/invocation/next" || exit 1
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\r')
  rm -f "$HEADERS"
  {
    printf '{"statusCode":202,"headers":{"content-type":"text/event-stream","x-streamed":"yes"},"cookies":["s=1"]}'
    printf '\0\0\0\0\0\0\0\0'
    for i in 0 1 2 3; do
      printf 'chunk %s\n' "$i"
      sleep 0.4
    done
  } | curl -sS -o /dev/null -X POST -T - \
      -H 'Transfer-Encoding: chunked' \
      -H 'Lambda-Runtime-Function-Response-Mode: streaming' \
      -H 'Content-Type: application/vnd.awslambda.http-integration-response' \
      "$API/invocation/$ID/response"
done
