// The official openai npm client, unmodified apart from the base URL: one chat completion, one streamed with usage,
// and one refused request. Prints one JSON object for OpenAiClientTests to check.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120_000 });
const messages = [{ role: 'user', content: 'Name a colour.' }];

const completion = await client.chat.completions.create({ model, messages, max_tokens: 8 });

const stream = await client.chat.completions.create({ model, messages, max_tokens: 8, stream: true, stream_options: { include_usage: true } });
const deltas = [];
let finishReason = null, usage = null;
for await (const chunk of stream) {
  const choice = chunk.choices[0];
  if (choice?.delta?.content) deltas.push(choice.delta.content);
  if (choice?.finish_reason) finishReason = choice.finish_reason;
  if (chunk.usage) usage = chunk.usage;
}

let refused = null;
try {
  await client.chat.completions.create({ model, messages, n: 2 });
} catch (error) {
  refused = { status: error.status, param: error.param, code: error.code, message: error.message };
}

const models = [];
for await (const m of client.models.list()) models.push(m.id);

console.log(JSON.stringify({
  completion: { text: completion.choices[0].message.content, finishReason: completion.choices[0].finish_reason, usage: completion.usage },
  stream: { deltas, finishReason, usage },
  refused,
  models,
}));
