// Phase 6 of `npm run bench`: the ai-tutor function against a local OpenAI-compatible stub
// (chat completions streaming, the wire format of the real API) that waits a fixed time
// before its first token. Measured: time to first token (request sent → first
// `text-delta` chunk) through the function and straight from the stub at the same
// concurrency, so the function's own overhead is the difference; then S streams held at
// once, all completing, and the functions' memory per open stream.
import http from 'node:http';
import { latencySummary } from './stats.mjs';

/**
 * Starts the stub on 127.0.0.1 at a free port.
 * @param {{ firstTokenDelayMs: number, tokenDelayMs: number, tokens: number }} script
 * @returns {Promise<{ baseUrl: string, script: typeof script, close(): Promise<void> }>}
 */
export async function startTutorStub(script) {
  const state = { script };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', async () => {
      const model = JSON.parse(body || '{}').model ?? 'bench';
      const { firstTokenDelayMs, tokenDelayMs, tokens } = state.script;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_764_000_000, model };
      const send = (value) => response.write(`data: ${JSON.stringify(value)}\n\n`);
      send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      await sleep(firstTokenDelayMs);
      for (let i = 0; i < tokens; i++) {
        if (i > 0 && tokenDelayMs > 0) await sleep(tokenDelayMs);
        send({ ...base, choices: [{ index: 0, delta: { content: `t${i} ` }, finish_reason: null }] });
      }
      send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      send({ ...base, choices: [], usage: { prompt_tokens: 100, completion_tokens: tokens, total_tokens: 100 + tokens } });
      response.end('data: [DONE]\n\n');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    set script(next) { state.script = next; },
    get script() { return state.script; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends one request and reads its SSE body: ms to the first text token, whether the
 * stream completed, and the text.
 */
async function timedStream(url, init, isToken) {
  const started = performance.now();
  const response = await fetch(url, init);
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, status: response.status };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  let firstMs;
  let text = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '))?.slice(6);
      buffer = buffer.slice(end + 2);
      if (!data || data === '[DONE]') continue;
      const token = isToken(JSON.parse(data));
      if (token) {
        firstMs ??= performance.now() - started;
        text += token;
      }
    }
  }
  return { ok: true, firstMs, text };
}

const fromFunction = (chunk) => (chunk.type === 'text-delta' ? chunk.delta : undefined);
const fromStub = (chunk) => chunk.choices?.[0]?.delta?.content || undefined;

/** Runs `count` calls of `call` with at most `concurrency` at a time. */
async function pool(count, concurrency, call) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) results.push(await call(next++));
  }));
  return results;
}

/**
 * @param {{ apiUrl: string, stub: Awaited<ReturnType<typeof startTutorStub>>, students: { token: string }[],
 *   requests: number, concurrency: number, streams: number, functionsRssKiB: () => number }} options
 */
export async function runTutorPhase({ apiUrl, stub, students, requests, concurrency, streams, functionsRssKiB }) {
  const url = `${apiUrl}/functions/v1/ai-tutor`;
  const tutorRequest = (i) => ({
    method: 'POST',
    headers: { authorization: `Bearer ${students[i % students.length].token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: `bench-${i}-${Date.now()}`,
      messages: [{ id: `u-${i}`, role: 'user', parts: [{ type: 'text', text: 'Could you explain how to approach a proof by induction?' }] }],
    }),
  });
  const stubRequest = () => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });

  stub.script = { firstTokenDelayMs: 200, tokenDelayMs: 5, tokens: 20 };
  // Warm up the function (module load, pool, role settings) and the stub.
  await pool(concurrency, concurrency, (i) => timedStream(url, tutorRequest(requests + i), fromFunction));
  const direct = await pool(requests, concurrency, () => timedStream(`${stub.baseUrl}/chat/completions`, stubRequest(), fromStub));
  const through = await pool(requests, concurrency, (i) => timedStream(url, tutorRequest(i), fromFunction));
  const ttft = (results) => latencySummary(results.filter((r) => r.ok && r.firstMs !== undefined).map((r) => r.firstMs));
  const stubTtft = ttft(direct);
  const functionTtft = ttft(through);
  const errors = through.filter((r) => !r.ok || r.firstMs === undefined).length;

  // S streams at once, each 20 tokens 250 ms apart (about 5 s): all held to the end.
  stub.script = { firstTokenDelayMs: 200, tokenDelayMs: 250, tokens: 20 };
  const rssBefore = functionsRssKiB();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, functionsRssKiB()); }, 250);
  const held = await Promise.all(Array.from({ length: streams }, (_, i) =>
    timedStream(url, tutorRequest(requests * 2 + i), fromFunction)));
  clearInterval(sampler);
  const complete = held.filter((r) => r.ok && r.text.trim().split(' ').length === 20).length;

  return {
    requests,
    concurrency,
    stubTimeToFirstTokenMs: stubTtft,
    functionTimeToFirstTokenMs: functionTtft,
    overheadP50Ms: Math.round((functionTtft.p50 - stubTtft.p50) * 10) / 10,
    overheadP99Ms: Math.round((functionTtft.p99 - stubTtft.p99) * 10) / 10,
    errors,
    concurrentStreams: { opened: streams, completed: complete, failed: held.filter((r) => !r.ok).length,
      statuses: [...new Set(held.filter((r) => !r.ok).map((r) => r.status))] },
    functionsKiBPerOpenStream: Math.round((rssPeak - rssBefore) / streams),
  };
}
