/**
 * Ephemeral events: signals such as `typing` that are never stored. The
 * database sends them with `pg_notify('examsync_ephemeral', '{"topic", "event",
 * "payload"}')` (the whole event rides in the notification) and the hub hands
 * them to the topic's live streams as SSE messages without an `id`, so a
 * client's last event id stays the last outbox id and nothing is ever
 * replayed. Kept apart from the outbox path (ids, replay) on purpose: a change
 * of how outbox events reach the hubs leaves this path as it is.
 *
 * @module
 */

import type { EphemeralEvent } from "../../types/sync.ts";

/** The channel ephemeral events are notified on. */
export const EPHEMERAL_CHANNEL = "examsync_ephemeral";

/** An ephemeral event ready to send to the streams of its topic. */
export interface EncodedEphemeral {
  readonly topic: string;
  readonly bytes: Uint8Array;
}

const encoder = new TextEncoder();
const EVENT_NAME = /^[a-z][a-z_]{0,62}$/;

/**
 * Parses and encodes a notification of {@linkcode EPHEMERAL_CHANNEL}; `undefined`
 * when it is not a well-formed event (it is dropped).
 *
 * @example
 * ```ts
 * const encoded = decodeEphemeral('{"topic":"room:…","event":"typing","payload":{"user_id":"…"}}');
 * new TextDecoder().decode(encoded!.bytes); // "event: typing\ndata: {…}\n\n"
 * ```
 */
export function decodeEphemeral(payload: string): EncodedEphemeral | undefined {
  let notice: { topic?: unknown; event?: unknown; payload?: unknown };
  try {
    notice = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (
    typeof notice !== "object" || notice === null || typeof notice.topic !== "string" ||
    typeof notice.event !== "string" || !EVENT_NAME.test(notice.event) ||
    typeof notice.payload !== "object" || notice.payload === null
  ) {
    return undefined;
  }
  const event: EphemeralEvent = {
    topic: notice.topic,
    event: notice.event,
    payload: notice.payload as Record<string, unknown>,
  };
  return {
    topic: event.topic,
    bytes: encoder.encode(`event: ${event.event}\ndata: ${JSON.stringify(event)}\n\n`),
  };
}
