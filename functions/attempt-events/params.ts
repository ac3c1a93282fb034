/**
 * The query and headers of an `attempt-events` request: the topic and where
 * to resume from.
 *
 * @module
 */

import { HttpError } from "../_shared/errors.ts";

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const TOPIC = new RegExp(`^(?:(?:attempt|session|user|leaderboard|group):${UUID}|room:${UUID}(?::${UUID})?)$`);

/**
 * The `topic` query parameter: `attempt:<uuid>`, `session:<uuid>`,
 * `user:<uuid>`, `leaderboard:<academy uuid>`, `group:<study group uuid>`, `room:<uuid>` or
 * `room:<uuid>:<student uuid>` (a student's topic of a proctoring room), with
 * the uuids lowercased as the database writes topics. Who may read it is the
 * database's call.
 *
 * @example
 * ```ts
 * parseTopic(new URL("http://x/attempt-events?topic=attempt:0B7C6A8E-3F52-4D7E-9A4B-2D1F0C9E8A71"));
 * // "attempt:0b7c6a8e-3f52-4d7e-9a4b-2d1f0c9e8a71"
 * ```
 * @throws {HttpError} 400 `invalid_topic`.
 */
export function parseTopic(url: URL): string {
  const topic = url.searchParams.get("topic")?.trim();
  if (!topic) {
    throw new HttpError(400, {
      code: "invalid_topic",
      message: "Cannot open stream: the topic query parameter is missing",
      hint: "Use ?topic=attempt:<uuid>",
    });
  }
  if (!TOPIC.test(topic)) {
    throw new HttpError(400, {
      code: "invalid_topic",
      message: "Cannot open stream: topic must be attempt:<uuid>, session:<uuid>, user:<uuid>, " +
        "leaderboard:<uuid>, group:<uuid>, room:<uuid> or room:<uuid>:<uuid>",
    });
  }
  const colon = topic.indexOf(":");
  return `${topic.slice(0, colon)}:${topic.slice(colon + 1).toLowerCase()}`;
}

/**
 * Where to resume: the `Last-Event-ID` header (which EventSource sends when it
 * reconnects, so it wins), else the `lastEventId` query parameter, else
 * `undefined` (start with events after now).
 *
 * @example
 * ```ts
 * parseLastEventId(new Request("http://x/?lastEventId=41")); // 41
 * ```
 * @throws {HttpError} 400 `invalid_last_event_id` when it is not a non-negative integer.
 */
export function parseLastEventId(request: Request): number | undefined {
  const header = request.headers.get("last-event-id")?.trim();
  const value = header || new URL(request.url).searchParams.get("lastEventId")?.trim();
  if (!value) return undefined;
  const id = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) {
    throw new HttpError(400, {
      code: "invalid_last_event_id",
      message: "Cannot open stream: the last event id must be a non-negative integer",
    });
  }
  return id;
}
