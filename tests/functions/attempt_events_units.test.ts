import assert from "node:assert/strict";
import { ConfigError } from "../../functions/_shared/env.ts";
import type { HttpError } from "../../functions/_shared/errors.ts";
import { parseEventsSettings } from "../../functions/attempt-events/config.ts";
import { decodeEphemeral } from "../../functions/attempt-events/ephemeral.ts";
import { parseLastEventId, parseTopic } from "../../functions/attempt-events/params.ts";
import {
  encodeComment,
  encodeEvent,
  encodeReconnect,
  encodeReady,
  encodeRetry,
} from "../../functions/attempt-events/sse.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("parseEventsSettings() defaults to a 15 s heartbeat and a 140 s lifetime", () => {
  assert.deepEqual(parseEventsSettings({}), {
    heartbeatMs: 15_000,
    maxLifetimeMs: 140_000,
    retryMs: 3000,
    hubIdleMs: 30_000,
    pollMs: 50,
  });
  assert.equal(parseEventsSettings({ ATTEMPT_EVENTS_HEARTBEAT_MS: "250" }).heartbeatMs, 250);
  assert.throws(() => parseEventsSettings({ ATTEMPT_EVENTS_MAX_LIFETIME_MS: "1.5" }), ConfigError);
});

Deno.test("parseTopic() accepts attempt, session, user, leaderboard, group and room topics and lowercases the ids", () => {
  const id = "0B7C6A8E-3F52-4D7E-9A4B-2D1F0C9E8A71";
  const url = (topic: string) =>
    new URL(`http://x/attempt-events?topic=${encodeURIComponent(topic)}`);
  assert.equal(parseTopic(url(`attempt:${id}`)), `attempt:${id.toLowerCase()}`);
  assert.equal(parseTopic(url(`session:${id}`)), `session:${id.toLowerCase()}`);
  assert.equal(parseTopic(url(`user:${id}`)), `user:${id.toLowerCase()}`);
  assert.equal(parseTopic(url(`leaderboard:${id}`)), `leaderboard:${id.toLowerCase()}`);
  assert.equal(parseTopic(url(`group:${id}`)), `group:${id.toLowerCase()}`);
  assert.equal(parseTopic(url(`room:${id}`)), `room:${id.toLowerCase()}`);
  assert.equal(parseTopic(url(`room:${id}:${id}`)), `room:${id.toLowerCase()}:${id.toLowerCase()}`);
  for (
    const topic of ["", "attempt:", "leaderboard:", "group:", `group:${id}:${id}`, `attempt:${id}x`, `attempt:${id}:x`, `room:${id}:`, `user:${id}:${id}`]
  ) {
    assert.throws(
      () => parseTopic(url(topic)),
      (error: HttpError) => error.code === "invalid_topic",
    );
  }
  assert.throws(() => parseTopic(new URL("http://x/")), (error: HttpError) => error.status === 400);
});

Deno.test("parseLastEventId() prefers the header to the query parameter", () => {
  const request = (query: string, header?: string) =>
    new Request(`http://x/?${query}`, {
      headers: header === undefined ? {} : { "last-event-id": header },
    });
  assert.equal(parseLastEventId(request("")), undefined);
  assert.equal(parseLastEventId(request("lastEventId=41")), 41);
  assert.equal(parseLastEventId(request("lastEventId=41", "57")), 57);
  for (const bad of ["-1", "1e3", "9007199254740993", "x"]) {
    assert.throws(
      () => parseLastEventId(request(`lastEventId=${bad}`)),
      (error: HttpError) => error.code === "invalid_last_event_id",
    );
  }
});

Deno.test("encodeEvent() frames an outbox event as one SSE message", () => {
  const event = {
    id: 12,
    topic: "attempt:x",
    event: "ops_applied",
    payload: { text: "two\nlines" },
    created_at: "2026-11-22T10:00:00.123456+00:00",
  };
  const encoded = encodeEvent(event);
  assert.equal(encoded.id, 12);
  assert.equal(
    decode(encoded.bytes),
    `id: 12\nevent: ops_applied\ndata: ${JSON.stringify(event)}\n\n`,
  );
  assert.equal(decode(encodeComment("keep-alive")), ": keep-alive\n\n");
  assert.equal(decode(encodeRetry(3000)), "retry: 3000\n\n");
  assert.equal(
    decode(encodeReady({ lastEventId: 41, retryMs: 3000 })),
    'retry: 3000\nid: 41\nevent: ready\ndata: {"last_event_id":41}\n\n',
    "ready carries where the stream stands as its id",
  );
  assert.equal(
    decode(encodeReconnect({ reason: "max_lifetime" })),
    'event: reconnect\ndata: {"reason":"max_lifetime"}\n\n',
  );
});

Deno.test("decodeEphemeral() encodes a notified event without an id and drops malformed ones", () => {
  const encoded = decodeEphemeral(JSON.stringify({
    topic: "room:0b7c6a8e-3f52-4d7e-9a4b-2d1f0c9e8a71",
    event: "typing",
    payload: { user_id: "u" },
  }));
  assert.equal(encoded?.topic, "room:0b7c6a8e-3f52-4d7e-9a4b-2d1f0c9e8a71");
  assert.equal(
    decode(encoded!.bytes),
    'event: typing\ndata: {"topic":"room:0b7c6a8e-3f52-4d7e-9a4b-2d1f0c9e8a71","event":"typing","payload":{"user_id":"u"}}\n\n',
  );
  for (
    const bad of ["not json", "null", '{"topic":"room:x","event":"typing"}', '{"topic":1,"event":"typing","payload":{}}',
      '{"topic":"room:x","event":"bad\\nname","payload":{}}']
  ) {
    assert.equal(decodeEphemeral(bad), undefined, bad);
  }
});
