/**
 * Retry delays: exponential backoff with full jitter, never shorter than what the
 * server asked for with `Retry-After`.
 *
 * @module
 */

/** Options of {@linkcode backoffDelay}. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay (default 500 ms). */
  baseMs?: number;
  /** Largest ceiling (default 30,000 ms). */
  maxMs?: number;
  /** A number in [0, 1); default `Math.random`. */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0 for the first): a uniformly random
 * duration in [0, min(maxMs, baseMs × 2^attempt)) ("full jitter", so clients that
 * failed together do not retry together), or `retryAfterMs` when that is longer.
 *
 * @example
 * ```ts
 * backoffDelay(0, { random: () => 0.5 }); // 250
 * backoffDelay(3, { random: () => 0.5 }); // 2000
 * backoffDelay(0, { random: () => 0.5 }, 1000); // 1000
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, retryAfterMs?: number): number {
  const { baseMs = 500, maxMs = 30_000, random = Math.random } = options;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

/**
 * A `Retry-After` header in milliseconds from `nowMs`: delta seconds or an HTTP
 * date; `undefined` when absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter("2", 0); // 2000
 * parseRetryAfter("Thu, 01 Jan 1970 00:00:05 GMT", 1000); // 4000
 * parseRetryAfter(null, 0); // undefined
 * ```
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
