/**
 * Server-Sent Events framing (the `text/event-stream` format) of outbox events,
 * comments and the reconnect notice, encoded to bytes once so one event sent
 * to many streams is encoded once.
 *
 * @module
 */

import type { ReconnectEvent, StreamEvent } from "../../types/sync.ts";

const encoder = new TextEncoder();

/** An outbox event ready to send: its id and its encoded SSE message. */
export interface EncodedEvent {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/**
 * Encodes an outbox event as an SSE message with `id`, `event` and the event
 * as JSON `data`.
 *
 * @example
 * ```ts
 * const { bytes } = encodeEvent({ id: 7, topic: "attempt:…", event: "ops_applied", payload: {}, created_at: "…" });
 * new TextDecoder().decode(bytes); // "id: 7\nevent: ops_applied\ndata: {…}\n\n"
 * ```
 */
export function encodeEvent(event: StreamEvent): EncodedEvent {
  const text = `id: ${event.id}\nevent: ${singleLine(event.event)}\ndata: ${
    JSON.stringify(event)
  }\n\n`;
  return { id: event.id, bytes: encoder.encode(text) };
}

/**
 * Encodes a comment line (ignored by clients; keeps proxies from closing an idle stream).
 *
 * @example
 * ```ts
 * encodeComment("keep-alive"); // ": keep-alive\n\n"
 * ```
 */
export function encodeComment(text: string): Uint8Array {
  return encoder.encode(`: ${singleLine(text)}\n\n`);
}

/**
 * Encodes the reconnection delay a client should wait after the stream ends.
 *
 * @example
 * ```ts
 * encodeRetry(3000); // "retry: 3000\n\n"
 * ```
 */
export function encodeRetry(ms: number): Uint8Array {
  return encoder.encode(`retry: ${Math.max(0, Math.trunc(ms))}\n\n`);
}

/**
 * Encodes the first message of every stream: the reconnection delay and a `ready`
 * event whose `id` is where the stream stands (the topic's last event id, or the
 * client's own when it resumes). EventSource keeps that id, so a reconnect before
 * any other event resumes from the right place and loses nothing.
 *
 * @example
 * ```ts
 * encodeReady({ lastEventId: 41, retryMs: 3000 });
 * // "retry: 3000\nid: 41\nevent: ready\ndata: {\"last_event_id\":41}\n\n"
 * ```
 */
export function encodeReady(options: { lastEventId: number; retryMs: number }): Uint8Array {
  const id = Math.max(0, Math.trunc(options.lastEventId));
  return encoder.encode(
    `retry: ${Math.max(0, Math.trunc(options.retryMs))}\nid: ${id}\nevent: ready\ndata: ${
      JSON.stringify({ last_event_id: id })
    }\n\n`,
  );
}

/**
 * Encodes the last message of a stream the server ends: `event: reconnect`
 * without an `id`, so the client's last event id stays the last outbox id.
 *
 * @example
 * ```ts
 * encodeReconnect({ reason: "max_lifetime" }); // "event: reconnect\ndata: {\"reason\":\"max_lifetime\"}\n\n"
 * ```
 */
export function encodeReconnect(data: ReconnectEvent): Uint8Array {
  return encoder.encode(`event: reconnect\ndata: ${JSON.stringify(data)}\n\n`);
}

function singleLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
