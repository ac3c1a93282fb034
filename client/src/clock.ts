/**
 * The server's clock, seen from the device: an offset estimated from round trips
 * that carry the server's time, NTP style (the sample with the shortest round trip
 * of the recent ones wins, since its midpoint is the most certain).
 *
 * @module
 */

/** One round trip: when the request left and its answer came (device clock), and the server's time in it. */
export interface ClockSample {
  sentAt: number;
  receivedAt: number;
  serverTime: number;
}

/** The server's clock as estimated on the device. */
export interface ServerClock {
  /** Adds a round trip's sample. */
  sample(sample: ClockSample): void;
  /** Milliseconds to add to the device's clock to get the server's (0 before any sample). */
  offsetMs(): number;
  /** The round trip of the sample the offset comes from (`Infinity` before any sample). */
  uncertaintyMs(): number;
  /** The server's time now, by the device's clock plus the offset. */
  now(): number;
}

/**
 * A server clock over the device clock `deviceNow`, keeping the last `window` samples.
 *
 * @example
 * ```ts
 * const clock = createServerClock(() => Date.now());
 * clock.sample({ sentAt: 1000, receivedAt: 1100, serverTime: 6050 });
 * clock.offsetMs(); // 5000
 * ```
 */
export function createServerClock(deviceNow: () => number, window = 8): ServerClock {
  const samples: { offset: number; rtt: number }[] = [];
  let best: { offset: number; rtt: number } | undefined;
  return {
    sample({ sentAt, receivedAt, serverTime }) {
      if (!Number.isFinite(serverTime) || receivedAt < sentAt) return;
      const rtt = receivedAt - sentAt;
      samples.push({ offset: serverTime - (sentAt + rtt / 2), rtt });
      if (samples.length > window) samples.shift();
      best = samples.reduce((a, b) => (b.rtt <= a.rtt ? b : a));
    },
    offsetMs: () => (best === undefined ? 0 : Math.round(best.offset)),
    uncertaintyMs: () => (best === undefined ? Infinity : best.rtt),
    now() {
      return deviceNow() + this.offsetMs();
    },
  };
}
