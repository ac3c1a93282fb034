// Phase 2: students saving through attempt-sync while SSE subscribers watch their attempts.
import { setMaxListeners } from 'node:events';
import { saveAnswers, sleep, watch } from './load.mjs';
import { latencySummary } from './stats.mjs';

/**
 * @param {{ apiUrl: string, students: import('./load.mjs').Student[], subscribers: number, seconds: number,
 *   intervalMs: number, functionsRssKiB: () => number }} options
 */
export async function runSyncPhase({ apiUrl, students, subscribers, seconds, intervalMs, functionsRssKiB }) {
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const sentAt = new Map(); // student n -> send time of their batch in flight
  const deliveryMs = [];
  const fromPublicationMs = [];
  const watched = students.slice(0, subscribers);
  const idleRss = functionsRssKiB();
  await watch(
    watched.map((s) => `${apiUrl}/functions/v1/attempt-events?topic=attempt:${s.attemptId}&access_token=${s.token}`),
    abort.signal,
    (index, event, at) => {
      if (event.event !== 'ops_applied') return;
      // The event's created_at is the database clock moments before commit, on this machine.
      fromPublicationMs.push(Date.now() - Date.parse(JSON.parse(event.data).created_at));
      const sent = sentAt.get(watched[index].n);
      if (sent === undefined) return;
      sentAt.delete(watched[index].n);
      deliveryMs.push(at - sent);
    },
  );
  await sleep(2000);
  const streamsRss = functionsRssKiB();
  const watchedIds = new Set(watched.map((s) => s.n));
  const saves = await saveAnswers({
    apiUrl, students, seconds, intervalMs,
    onSent: (student, at) => watchedIds.has(student.n) && sentAt.set(student.n, at),
  });
  await sleep(500);
  abort.abort();
  return {
    batchesPerSecond: Math.round((saves.batches / saves.elapsedSeconds) * 10) / 10,
    latencyMs: latencySummary(saves.latencyMs),
    errors: saves.errors,
    errorCodes: saves.errorCodes,
    sseSubscribers: subscribers,
    saveToSseDeliveryMs: latencySummary(deliveryMs),
    commitToSseDeliveryMs: latencySummary(fromPublicationMs),
    functionsMemoryPerStreamKiB: Math.round(((streamsRss - idleRss) / Math.max(1, subscribers)) * 10) / 10,
    functionsRssKiB: { idle: idleRss, withStreams: streamsRss },
  };
}
