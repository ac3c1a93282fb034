/**
 * The `attempt-events` handler: `GET ?topic=attempt:<uuid>` (or `session:<uuid>`,
 * `user:<uuid>`, `leaderboard:<academy uuid>`, `room:<uuid>`, `room:<uuid>:<uuid>`) opens a
 * Server-Sent Events stream of that topic's outbox; a room stream also carries ephemeral
 * events (typing) and keeps its user online while it is open.
 *
 * The token comes from `Authorization: Bearer` or, for EventSource which
 * cannot send headers, the `access_token` query parameter. Errors: 401
 * `missing_token` | `invalid_token` | `token_expired`, 401/403 `user_required`
 * (anon role / service role), 400 `invalid_topic` | `invalid_last_event_id`,
 * 403 `topic_forbidden` (the database's `private.can_read_topic`, checked once
 * when the stream opens), 503 when the database is unreachable.
 *
 * @module
 */

import { type Db, getDb } from "../_shared/db.ts";
import { serveHandler } from "../_shared/http.ts";
import { authenticate, type JwtKeys, requireUser } from "../_shared/jwt.ts";
import { type EventsSettings, getEventsSettings } from "./config.ts";
import { getOutboxHub, type OutboxHub } from "./hub.ts";
import { parseLastEventId, parseTopic } from "./params.ts";
import { presenceToucher, tracksPresence } from "./presence.ts";
import { openEventStream } from "./stream.ts";

/**
 * Options of {@linkcode createAttemptEventsHandler}; settings left out come
 * from the environment (`hubIdleMs` only applies to the instance's own hub).
 */
export interface AttemptEventsOptions extends Partial<EventsSettings> {
  /** The hub feeding the streams; default the instance's ({@linkcode getOutboxHub}). */
  hub?: OutboxHub;
  /** The database; default the shared one of `SUPABASE_DB_URL`. */
  db?: Db;
  /** Keys verifying tokens; default from the environment. */
  keys?: JwtKeys;
}

/**
 * Creates the `attempt-events` handler.
 *
 * @example
 * ```ts
 * const hub = createOutboxHub({ idleMs: 1000 });
 * Deno.serve(createAttemptEventsHandler({ hub, heartbeatMs: 15000 }));
 * ```
 */
export function createAttemptEventsHandler(
  options: AttemptEventsOptions = {},
): (request: Request) => Promise<Response> {
  return serveHandler(async (request) => {
    const claims = requireUser(
      await authenticate(request, { keys: options.keys, queryParam: "access_token" }),
    );
    const topic = parseTopic(new URL(request.url));
    const lastEventId = parseLastEventId(request);
    const settings = { ...getEventsSettings(), ...definedSettings(options) };
    const db = options.db ?? getDb();
    return await openEventStream({
      hub: options.hub ?? getOutboxHub(),
      db,
      claims,
      request,
      topic,
      lastEventId,
      heartbeatMs: settings.heartbeatMs,
      maxLifetimeMs: settings.maxLifetimeMs,
      retryMs: settings.retryMs,
      onAlive: tracksPresence(topic) ? presenceToucher({ db, claims, request }) : undefined,
    });
  }, { methods: ["GET"] });
}

function definedSettings(options: AttemptEventsOptions): Partial<EventsSettings> {
  const settings: Partial<EventsSettings> = {};
  if (options.heartbeatMs !== undefined) settings.heartbeatMs = options.heartbeatMs;
  if (options.maxLifetimeMs !== undefined) settings.maxLifetimeMs = options.maxLifetimeMs;
  if (options.retryMs !== undefined) settings.retryMs = options.retryMs;
  if (options.hubIdleMs !== undefined) settings.hubIdleMs = options.hubIdleMs;
  return settings;
}
