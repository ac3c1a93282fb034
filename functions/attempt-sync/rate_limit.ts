/**
 * The per-user rate limit of `attempt-sync`, kept in Postgres
 * (`private.take_rate_limit`) so every function instance shares it.
 *
 * @module
 */

import type { Db } from "../_shared/db.ts";
import { HttpError } from "../_shared/errors.ts";
import type { RateLimit } from "./config.ts";

/** The outcome of one {@linkcode takeRateLimit}. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the window ends; 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * Counts one hit for `key` and says whether it is within the limit. A limit
 * of 0 allows everything without asking the database.
 *
 * @example
 * ```ts
 * const decision = await takeRateLimit(db, `attempt-sync:${userId}`, { limit: 20, windowSeconds: 10 });
 * if (!decision.allowed) throw rateLimited(decision, limit);
 * ```
 */
export async function takeRateLimit(
  db: Db,
  key: string,
  rateLimit: RateLimit,
): Promise<RateLimitDecision> {
  if (rateLimit.limit === 0) return { allowed: true, retryAfterSeconds: 0 };
  // One statement on the owner connection: its own transaction, which commits even when
  // the batch then fails, so refused batches count too.
  const [row] = await db.sql<{ allowed: boolean; retry_after_seconds: number }[]>`
    select allowed, retry_after_seconds
    from private.take_rate_limit(${key}, ${rateLimit.limit}::integer, ${rateLimit.windowSeconds}::integer)
  `;
  return { allowed: row?.allowed ?? true, retryAfterSeconds: row?.retry_after_seconds ?? 0 };
}

/**
 * The 429 error for a refused hit, with `Retry-After`.
 *
 * @example
 * ```ts
 * throw rateLimited({ allowed: false, retryAfterSeconds: 4 }, { limit: 20, windowSeconds: 10 });
 * ```
 */
export function rateLimited(decision: RateLimitDecision, rateLimit: RateLimit): HttpError {
  const retryAfterSeconds = Math.max(1, decision.retryAfterSeconds);
  return new HttpError(429, {
    code: "rate_limited",
    message:
      `Cannot accept batch: more than ${rateLimit.limit} batches in ${rateLimit.windowSeconds} s, retry in ${retryAfterSeconds} s`,
    details: { limit: rateLimit.limit, windowSeconds: rateLimit.windowSeconds, retryAfterSeconds },
    headers: { "retry-after": String(retryAfterSeconds) },
  });
}
