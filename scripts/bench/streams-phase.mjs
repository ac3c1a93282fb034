// Phase 2: resident memory per open SSE stream of a server process.
import { setMaxListeners } from 'node:events';
import { openEventStream } from '../lib/sse-reader.mjs';
import { rssKiB } from './proc.mjs';
import { sleep } from './load.mjs';

/**
 * Opens `count` streams (urlOf(i)) to the server of `pid`, 200 at a time, and returns its
 * growth of resident memory per stream in KiB, measured 2 s after the last one opened;
 * then closes them and waits for the server to let them go.
 * @param {number} pid @param {number} count @param {(index: number) => string} urlOf
 */
export async function memoryPerStream(pid, count, urlOf) {
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  await sleep(1000);
  const before = rssKiB(pid);
  for (let start = 0; start < count; start += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - start) }, (_, i) =>
      openEventStream(urlOf(start + i), { signal: abort.signal, onEvent: () => {} })));
  }
  await sleep(2000);
  const after = rssKiB(pid);
  abort.abort();
  await sleep(3000);
  return Math.round(((after - before) / count) * 10) / 10;
}
