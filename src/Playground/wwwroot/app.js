// The playground is an OpenAI client: it POSTs /chat/completions with stream: true and reads the server-sent events.
// The function's answer carries `timings` beside OpenAI's fields (cold start, init phases, time to first token, tokens/s).
const $ = id => document.getElementById(id);

async function loadFunctions() {
  const response = await fetch('/api/functions');
  const functions = await response.json();
  $('function').replaceChildren(...functions.map(f => Object.assign(new Option(`${f.name} (${f.model})`, f.name), { title: f.endpoint })));
  functions.forEach((f, i) => { $('function').options[i].dataset.model = f.model; });
  if (functions.length === 0) showError('No functions are referenced by the playground (WithReference in the AppHost).');
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
}

function showStats(timings, usage, clientTtftMs) {
  $('stats').hidden = false;
  const badge = $('badge');
  badge.textContent = timings.cold_start ? 'cold start' : 'warm';
  badge.className = 'badge ' + (timings.cold_start ? 'cold' : 'warm');
  $('ttft').textContent = `${clientTtftMs.toFixed(0)} ms in the browser, ${timings.time_to_first_token_ms.toFixed(1)} ms in the function`;
  $('tps').textContent = `${timings.decode_tokens_per_second.toFixed(1)} tokens/s`;
  $('tokens').textContent = usage ? `${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion` : '';
  const init = timings.init;
  $('init').hidden = !init;
  if (!init) return;
  const longest = Math.max(...Object.values(init.phases), 1);
  $('phases').replaceChildren(
    ...Object.entries(init.phases).map(([name, ms]) => {
      const item = document.createElement('li');
      item.dataset.phase = name;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(100 * ms) / longest}%`;
      item.append(name, bar, `${ms.toFixed(1)} ms`);
      return item;
    }),
    Object.assign(document.createElement('li'), { className: 'total', textContent: `total ${init.total_ms.toFixed(1)} ms, process start → ready (phases may overlap: the tokenizer loads beside the model)` }));
}

async function send(event) {
  event.preventDefault();
  $('send').disabled = true;
  $('output').textContent = '';
  $('error').hidden = true;
  $('stats').hidden = true;
  const started = performance.now();
  let firstToken = null, timings = null, usage = null;
  try {
    const response = await fetch(`/api/functions/${encodeURIComponent($('function').value)}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: $('function').selectedOptions[0].dataset.model,
        messages: [{ role: 'user', content: $('prompt').value }],
        max_tokens: Number($('max-tokens').value),
        temperature: Number($('temperature').value),
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      showError(body?.error?.message ?? `HTTP ${response.status}`);
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let end;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const line = buffered.slice(0, end).replace(/^data: /, '');
        buffered = buffered.slice(end + 2);
        if (line === '[DONE]') continue;
        const chunk = JSON.parse(line);
        const content = chunk.choices?.[0]?.delta?.content;
        if (content) {
          firstToken ??= performance.now();
          $('output').textContent += content;
        }
        timings = chunk.timings ?? timings;
        usage = chunk.usage ?? usage;
      }
    }
    if (timings) showStats(timings, usage, (firstToken ?? performance.now()) - started);
  } catch (error) {
    showError(String(error));
  } finally {
    $('send').disabled = false;
  }
}

$('chat').addEventListener('submit', send);
loadFunctions().catch(error => showError(`Could not list the functions: ${error}`));
