/**
 * Settings of `attempt-events`, read from the environment once.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `ATTEMPT_EVENTS_HEARTBEAT_MS` | `15000` | interval of the `: keep-alive` comment |
 * | `ATTEMPT_EVENTS_MAX_LIFETIME_MS` | `140000` | a stream ends (with `event: reconnect`) after this long, before the platform's wall-clock limit (150 s) cuts it |
 * | `ATTEMPT_EVENTS_RETRY_MS` | `3000` | the `retry:` hint: how long clients wait before reconnecting |
 * | `ATTEMPT_EVENTS_HUB_IDLE_MS` | `30000` | the outbox feed connection closes after this long without streams |
 * | `ATTEMPT_EVENTS_POLL_MS` | `50` | the outbox feed polls for new events this often (one statement per instance) |
 *
 * @module
 */

import { type EnvSource, readInteger } from "../_shared/env.ts";

/** The parsed settings. */
export interface EventsSettings {
  heartbeatMs: number;
  maxLifetimeMs: number;
  retryMs: number;
  hubIdleMs: number;
  pollMs: number;
}

/**
 * Parses the settings from an environment, without caching.
 *
 * @example
 * ```ts
 * parseEventsSettings({ ATTEMPT_EVENTS_HEARTBEAT_MS: "5000" }).heartbeatMs; // 5000
 * ```
 * @throws {ConfigError} when a variable is set but invalid.
 */
export function parseEventsSettings(env: EnvSource): EventsSettings {
  return {
    heartbeatMs: readInteger(env, "ATTEMPT_EVENTS_HEARTBEAT_MS", {
      fallback: 15_000,
      min: 10,
      max: 3_600_000,
    }),
    maxLifetimeMs: readInteger(env, "ATTEMPT_EVENTS_MAX_LIFETIME_MS", {
      fallback: 140_000,
      min: 10,
      max: 86_400_000,
    }),
    retryMs: readInteger(env, "ATTEMPT_EVENTS_RETRY_MS", { fallback: 3000, min: 0, max: 600_000 }),
    hubIdleMs: readInteger(env, "ATTEMPT_EVENTS_HUB_IDLE_MS", {
      fallback: 30_000,
      min: 0,
      max: 86_400_000,
    }),
    pollMs: readInteger(env, "ATTEMPT_EVENTS_POLL_MS", { fallback: 50, min: 5, max: 60_000 }),
  };
}

let cached: EventsSettings | undefined;

/**
 * The settings of the process environment, parsed once.
 *
 * @example
 * ```ts
 * const { heartbeatMs } = getEventsSettings();
 * ```
 * @throws {ConfigError} when a variable is set but invalid.
 */
export function getEventsSettings(): EventsSettings {
  cached ??= parseEventsSettings(Deno.env.toObject());
  return cached;
}
