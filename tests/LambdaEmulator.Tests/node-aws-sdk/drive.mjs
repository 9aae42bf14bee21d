// Drives the emulator with AWS's own JavaScript SDK v3 Lambda client, unmodified apart from the endpoint; prints one JSON
// object of what the SDK returned for the C# test to check. Usage: node drive.mjs <endpoint> <function> <streaming-function>
import {
  LambdaClient, GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionsCommand, GetAccountSettingsCommand,
  InvokeWithResponseStreamCommand, UpdateFunctionConfigurationCommand, paginateListFunctions,
} from "@aws-sdk/client-lambda";

const [endpoint, fn, streaming] = process.argv.slice(2);
const client = new LambdaClient({
  endpoint, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "emulator" },
});

const out = {};
const fnResult = await client.send(new GetFunctionCommand({ FunctionName: fn }));
out.getFunction = { name: fnResult.Configuration.FunctionName, memory: fnResult.Configuration.MemorySize, state: fnResult.Configuration.State };

const names = [];
let pages = 0;
for await (const page of paginateListFunctions({ client, pageSize: 1 }, {})) {
  pages++;
  names.push(...page.Functions.map(f => f.FunctionName));
}
out.list = { names, pages };

out.account = (await client.send(new GetAccountSettingsCommand({}))).AccountLimit.ConcurrentExecutions;

const update = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, MemorySize: 384 }));
let config = update;
for (let i = 0; i < 100 && config.LastUpdateStatus !== "Successful"; i++) {
  await new Promise(r => setTimeout(r, 50));
  config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
}
out.update = { first: update.LastUpdateStatus, last: config.LastUpdateStatus, memory: config.MemorySize };

const started = Date.now();
const stream = await client.send(new InvokeWithResponseStreamCommand({
  FunctionName: streaming, LogType: "Tail",
  Payload: Buffer.from(JSON.stringify({ action: "stream", chunks: 3, delayMs: 300 })),
}));
const chunks = [];
let complete = null;
for await (const event of stream.EventStream) {
  if (event.PayloadChunk) chunks.push({ text: Buffer.from(event.PayloadChunk.Payload).toString("utf8"), atMs: Date.now() - started });
  if (event.InvokeComplete) complete = event.InvokeComplete;
}
out.stream = {
  statusCode: stream.StatusCode, contentType: stream.ResponseStreamContentType, version: stream.ExecutedVersion, chunks,
  errorCode: complete?.ErrorCode ?? null, log: complete?.LogResult ? Buffer.from(complete.LogResult, "base64").toString("utf8") : null,
};

try {
  await client.send(new GetFunctionCommand({ FunctionName: "no-such-function" }));
  out.notFound = "no error";
} catch (e) {
  out.notFound = e.name;
}

console.log(JSON.stringify(out));
