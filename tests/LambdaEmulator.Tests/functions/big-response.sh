#!/bin/bash
# Answers with a 7 MB body (over Lambda's 6,291,556-byte response limit) and reports the Runtime API's status on stderr.
set -uo pipefail
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS=$(mktemp)
  curl -sS -D "$HEADERS" -o /dev/null "$API/invocation/next" || exit 1
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\r')
  rm -f "$HEADERS"
  STATUS=$(head -c 7000000 /dev/zero | tr '\0' 'a' | curl -sS -o /dev/null -w '%{http_code}' -X POST --data-binary @- "$API/invocation/$ID/response")
  echo "runtime api answered $STATUS" >&2
done
