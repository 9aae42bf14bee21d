'use strict';

// Buffered handler: echoes the event with what the runtime client derived from the Runtime API headers.
exports.handler = async (event, context) => {
  console.log(`node handler invoked: ${context.awsRequestId}`);
  if (event && event.fail) {
    const err = new Error('node handler failed on purpose');
    err.name = 'NodeTestError';
    throw err;
  }
  return {
    event,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    memoryLimitInMB: context.memoryLimitInMB,
    invokedFunctionArn: context.invokedFunctionArn,
    remainingMs: context.getRemainingTimeInMillis(),
    clientContext: context.clientContext || null,
    traceId: process.env._X_AMZN_TRACE_ID || null,
    pid: process.pid,
  };
};

// Streaming handler (function URL): prelude with status and headers, then chunks 300 ms apart.
exports.stream = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/plain', 'x-node-stream': 'yes' },
  });
  for (let i = 0; i < 3; i++) {
    stream.write(`node chunk ${i}\n`);
    await new Promise((r) => setTimeout(r, 300));
  }
  stream.end();
});
