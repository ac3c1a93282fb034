/**
 * One heartbeat timer for all the streams of an instance: a stream joins with
 * its interval and a callback, and leaves when it ends. Streams with the same
 * interval share one `setInterval` (a timer per stream costs memory and wake-ups
 * for each of thousands of idle streams).
 *
 * @module
 */

type Beat = () => void;

interface Clock {
  timer: ReturnType<typeof setInterval>;
  beats: Set<Beat>;
}

const clocks = new Map<number, Clock>();

/**
 * Calls `beat` every `intervalMs` milliseconds until the returned function is called.
 *
 * @example
 * ```ts
 * const leave = joinHeartbeat(15000, () => controller.enqueue(HEARTBEAT));
 * leave();
 * ```
 */
export function joinHeartbeat(intervalMs: number, beat: Beat): () => void {
  let clock = clocks.get(intervalMs);
  if (clock === undefined) {
    const beats = new Set<Beat>();
    const timer = setInterval(() => {
      for (const each of beats) {
        try {
          each();
        } catch (error) {
          console.error("attempt-events: a heartbeat failed:", error);
        }
      }
    }, intervalMs);
    clock = { timer, beats };
    clocks.set(intervalMs, clock);
  }
  const joined = clock;
  joined.beats.add(beat);
  return () => {
    if (!joined.beats.delete(beat) || joined.beats.size > 0) return;
    clearInterval(joined.timer);
    if (clocks.get(intervalMs) === joined) clocks.delete(intervalMs);
  };
}
