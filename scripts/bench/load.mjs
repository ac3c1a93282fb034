// The load of the benchmark: simulated students saving answers through `attempt-sync`
// while SSE subscribers watch some of their attempts through `attempt-events`.
import { randomUUID } from 'node:crypto';
import { openEventStream } from '../lib/sse-reader.mjs';

/**
 * Runs the load and returns raw samples.
 * @param {{ apiUrl: string, students: { n: number, attemptId: string, token: string, questionIds: string[] }[],
 *   subscribers: number, seconds: number, intervalMs: number, afterStreamsOpen?: () => Promise<void> }} options
 */
export async function runLoad({ apiUrl, students, subscribers, seconds, intervalMs, afterStreamsOpen }) {
  const samples = { latencyMs: [], deliveryMs: [], afterResponseMs: [], errors: 0, errorCodes: {}, batches: 0 };
  const abort = new AbortController();
  const inFlight = new Map(); // student n -> { sentAt, respondedAt }
  const watched = students.slice(0, subscribers);

  await Promise.all(watched.map((student) => openEventStream(
    `${apiUrl}/functions/v1/attempt-events?topic=attempt:${student.attemptId}&access_token=${student.token}`,
    {
      signal: abort.signal,
      onEvent: (event) => {
        if (event.event !== 'ops_applied') return;
        const batch = inFlight.get(student.n);
        if (!batch) return;
        inFlight.delete(student.n);
        const now = performance.now();
        samples.deliveryMs.push(now - batch.sentAt);
        if (batch.respondedAt) samples.afterResponseMs.push(now - batch.respondedAt);
      },
    },
  )));
  await afterStreamsOpen?.();

  const deadline = Date.now() + seconds * 1000;
  async function student(s) {
    // Spread the students over the interval, then one batch every interval (±20 %).
    await sleep(Math.random() * intervalMs);
    while (Date.now() < deadline) {
      const count = 1 + Math.floor(Math.random() * 10);
      const ops = Array.from({ length: count }, (_, i) => ({
        op_id: randomUUID(), type: 'answer', question_id: s.questionIds[(s.n * 7 + i * 3) % s.questionIds.length],
        value: ['a', 'b', 'c', 'd'][Math.floor(Math.random() * 4)], base_version: 0,
      }));
      const sentAt = performance.now();
      inFlight.set(s.n, { sentAt });
      try {
        const response = await fetch(`${apiUrl}/functions/v1/attempt-sync`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ attemptId: s.attemptId, clientId: `bench-${s.n}`, ops }),
        });
        const body = await response.json();
        const respondedAt = performance.now();
        samples.latencyMs.push(respondedAt - sentAt);
        samples.batches += 1;
        if (response.status !== 200) {
          samples.errors += 1;
          samples.errorCodes[body.code] = (samples.errorCodes[body.code] ?? 0) + 1;
          inFlight.delete(s.n);
        } else if (inFlight.has(s.n)) {
          inFlight.get(s.n).respondedAt = respondedAt;
        }
      } catch (error) {
        samples.errors += 1;
        samples.errorCodes[error.code ?? 'network'] = (samples.errorCodes[error.code ?? 'network'] ?? 0) + 1;
      }
      await sleep(intervalMs * (0.8 + Math.random() * 0.4) - (performance.now() - sentAt));
    }
  }
  const startedAt = performance.now();
  await Promise.all(students.map(student));
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  await sleep(500); // the last events
  abort.abort();
  return { ...samples, elapsedSeconds };
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
