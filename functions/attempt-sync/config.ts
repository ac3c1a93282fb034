/**
 * Settings of `attempt-sync`, read from the environment once.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `ATTEMPT_SYNC_RATE_LIMIT` | `60` | batches one user may send per window; `0` turns the limit off |
 * | `ATTEMPT_SYNC_RATE_WINDOW_SECONDS` | `10` | length of the rate-limit window |
 *
 * The default (60 batches per 10 s) leaves a client saving every few seconds,
 * and an offline queue replayed in a burst, far from the limit.
 *
 * @module
 */

import { type EnvSource, readInteger } from "../_shared/env.ts";

/** A per-user limit: at most `limit` batches per `windowSeconds`. */
export interface RateLimit {
  /** Batches allowed per window; `0` means no limit. */
  limit: number;
  windowSeconds: number;
}

/** The parsed settings. */
export interface SyncSettings {
  rateLimit: RateLimit;
}

/**
 * Parses the settings from an environment, without caching.
 *
 * @example
 * ```ts
 * parseSyncSettings({ ATTEMPT_SYNC_RATE_LIMIT: "5" }).rateLimit; // { limit: 5, windowSeconds: 10 }
 * ```
 * @throws {ConfigError} when a variable is set but invalid.
 */
export function parseSyncSettings(env: EnvSource): SyncSettings {
  return {
    rateLimit: {
      limit: readInteger(env, "ATTEMPT_SYNC_RATE_LIMIT", { fallback: 60, min: 0, max: 100_000 }),
      windowSeconds: readInteger(env, "ATTEMPT_SYNC_RATE_WINDOW_SECONDS", {
        fallback: 10,
        min: 1,
        max: 86_400,
      }),
    },
  };
}

let cached: SyncSettings | undefined;

/**
 * The settings of the process environment, parsed once.
 *
 * @example
 * ```ts
 * const { rateLimit } = getSyncSettings();
 * ```
 * @throws {ConfigError} when a variable is set but invalid.
 */
export function getSyncSettings(): SyncSettings {
  cached ??= parseSyncSettings(Deno.env.toObject());
  return cached;
}
