/**
 * `attempt-events`: `GET ?topic=attempt:<uuid>` opens a Server-Sent Events
 * stream of one topic the caller may read: replay after `Last-Event-ID`, then
 * live events with the outbox id as SSE `id`, heartbeats, and an end before
 * the token expires or the platform's wall clock runs out. Logic in
 * `./handler.ts`, `./stream.ts` and `./hub.ts`; shapes in `types/sync.ts`.
 *
 * @module
 */

import { getConfig } from "../_shared/env.ts";
import { getEventsSettings } from "./config.ts";
import { createAttemptEventsHandler } from "./handler.ts";
import { closeOutboxHub } from "./hub.ts";

const attemptEvents = createAttemptEventsHandler();

/**
 * Answers `GET /attempt-events?topic=…`.
 *
 * @example
 * ```ts
 * const response = await handler(new Request(
 *   `http://localhost/attempt-events?topic=attempt:${attemptId}&access_token=${accessToken}`,
 * ));
 * response.headers.get("content-type"); // "text/event-stream; charset=utf-8"
 * ```
 */
export function handler(request: Request): Promise<Response> {
  return attemptEvents(request);
}

if (import.meta.main) {
  getConfig(); // fail fast on a bad environment
  getEventsSettings();
  // The edge runtime announces a shutdown with `beforeunload`: end the streams
  // (`event: reconnect`, reason `shutdown`) so clients resume elsewhere at once.
  globalThis.addEventListener("beforeunload", () => {
    void closeOutboxHub();
  });
  Deno.serve(handler);
}
