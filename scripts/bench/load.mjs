// The loads of the benchmark: simulated students saving answers through `attempt-sync`
// while SSE subscribers watch through `attempt-events`.
import { randomUUID } from 'node:crypto';
import { openEventStream } from '../lib/sse-reader.mjs';

/** @typedef {{ n: number, attemptId: string, token: string, questionIds: string[] }} Student */

/**
 * Every student sends a batch of 1–10 answers every `intervalMs` (±20 %) for `seconds`,
 * starting spread over the first interval. Returns the latency samples and errors.
 * @param {{ apiUrl: string, students: Student[], seconds: number, intervalMs: number,
 *   onSent?: (student: Student, sentAt: number) => void }} options
 */
export async function saveAnswers({ apiUrl, students, seconds, intervalMs, onSent }) {
  const result = { latencyMs: [], errors: 0, errorCodes: {}, batches: 0, elapsedSeconds: 0 };
  const count = (code) => {
    result.errors += 1;
    result.errorCodes[code] = (result.errorCodes[code] ?? 0) + 1;
  };
  const deadline = Date.now() + seconds * 1000;
  async function student(s) {
    await sleep(Math.random() * intervalMs);
    while (Date.now() < deadline) {
      const ops = Array.from({ length: 1 + Math.floor(Math.random() * 10) }, (_, i) => ({
        op_id: randomUUID(), type: 'answer', question_id: s.questionIds[(s.n * 7 + i * 3) % s.questionIds.length],
        value: ['a', 'b', 'c', 'd'][Math.floor(Math.random() * 4)], base_version: 0,
      }));
      const sentAt = performance.now();
      onSent?.(s, sentAt);
      try {
        const response = await fetch(`${apiUrl}/functions/v1/attempt-sync`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ attemptId: s.attemptId, clientId: `bench-${s.n}`, ops }),
        });
        const body = await response.json();
        result.latencyMs.push(performance.now() - sentAt);
        result.batches += 1;
        if (response.status !== 200) count(body.code);
      } catch (error) {
        count(error.code ?? 'network');
      }
      await sleep(intervalMs * (0.8 + Math.random() * 0.4) - (performance.now() - sentAt));
    }
  }
  const startedAt = performance.now();
  await Promise.all(students.map(student));
  result.elapsedSeconds = (performance.now() - startedAt) / 1000;
  return result;
}

/**
 * Opens one SSE stream per url; `onEvent` gets each event and its arrival time.
 * @param {string[]} urls @param {AbortSignal} signal
 * @param {(index: number, event: { event: string, data: string }, at: number) => void} onEvent
 */
export function watch(urls, signal, onEvent) {
  return Promise.all(urls.map((url, index) =>
    openEventStream(url, { signal, onEvent: (event) => onEvent(index, event, performance.now()) })));
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
