import assert from "node:assert/strict";
// @ts-types="../../functions/_shared/pg.d.ts"
import pg from "pg";
import { closeDb, createDb, type Db } from "../../functions/_shared/db.ts";
import {
  type AttemptEventsOptions,
  createAttemptEventsHandler,
} from "../../functions/attempt-events/handler.ts";
import {
  closeOutboxHub,
  createOutboxHub,
  getOutboxHub,
  type OutboxHub,
} from "../../functions/attempt-events/hub.ts";
import { handler } from "../../functions/attempt-events/index.ts";
import { createAttemptSyncHandler } from "../../functions/attempt-sync/handler.ts";
import {
  type Op,
  ReconnectEventSchema,
  StreamEventSchema,
} from "../../types/sync.ts";
import {
  createExamFixture,
  type ExamFixture,
  listen,
  openSse,
  requireEnv,
  signHs256,
  type SseMessage,
  type SseReader,
  waitFor,
} from "./helpers.ts";

const dbUrl = requireEnv("SUPABASE_DB_URL");
const secret = requireEnv("JWT_SECRET");
const keys = { jwtSecret: secret };

interface EventsContext {
  fixture: ExamFixture;
  /** `application_name` of the hub's LISTEN connection. */
  listenerName: string;
  hub: OutboxHub;
  db: Db;
  /** The stream URL of a topic, with extra query parameters. */
  streamUrl(topic: string, query?: Record<string, string>): string;
  /** Opens a stream with a bearer token; closed after the test. */
  open(
    topic: string,
    token: string,
    init?: { query?: Record<string, string>; headers?: HeadersInit },
  ): Promise<SseReader>;
  /** Saves answers through attempt-sync as `token`'s user. */
  save(
    token: string,
    attemptId: string,
    ops: Op[],
    clientId?: string,
  ): Promise<void>;
}

/** Serves attempt-events (and attempt-sync, to make events) over a fresh fixture. */
async function withEventsServer(
  options: Omit<AttemptEventsOptions, "hub" | "db" | "keys">,
  run: (context: EventsContext) => Promise<void>,
): Promise<void> {
  const fixture = await createExamFixture({ students: 2 });
  const db = createDb({ url: dbUrl });
  const listenerName = `examsync-test-listener-${
    crypto.randomUUID().slice(0, 8)
  }`;
  const hub = createOutboxHub({
    url: dbUrl,
    db,
    idleMs: 50,
    retryMs: 300,
    applicationName: listenerName,
  });
  const events = listen(createAttemptEventsHandler({
    hub,
    db,
    keys,
    heartbeatMs: 60_000,
    maxLifetimeMs: 60_000,
    retryMs: 3000,
    ...options,
  }));
  const sync = listen(createAttemptSyncHandler({
    db,
    keys,
    rateLimit: { limit: 0, windowSeconds: 10 },
  }));
  const readers: SseReader[] = [];
  const streamUrl = (topic: string, query: Record<string, string> = {}) =>
    `${events.url}/attempt-events?${new URLSearchParams({ topic, ...query })}`;
  try {
    await run({
      fixture,
      listenerName,
      hub,
      db,
      streamUrl,
      async open(topic, token, init = {}) {
        const headers = new Headers(init.headers);
        headers.set("authorization", `Bearer ${token}`);
        const reader = await openSse(streamUrl(topic, init.query), { headers });
        readers.push(reader);
        return reader;
      },
      async save(token, attemptId, ops, clientId = "laptop") {
        const response = await fetch(`${sync.url}/attempt-sync`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ attemptId, clientId, ops }),
        });
        assert.equal(response.status, 200, await response.clone().text());
        await response.body?.cancel();
      },
    });
  } finally {
    for (const reader of readers) await reader.close();
    await hub.close();
    await events.close();
    await sync.close();
    await db.close();
    await fixture.cleanup();
  }
}

function answerOp(questionId: string, value: string, baseVersion: number): Op {
  return {
    op_id: crypto.randomUUID(),
    type: "answer",
    question_id: questionId,
    value,
    base_version: baseVersion,
  };
}

/** Reads `count` outbox events (skipping comments), checking each message's shape. */
async function readEvents(reader: SseReader, count: number, timeoutMs = 5000) {
  const received = [];
  for (let i = 0; i < count; i++) {
    const message = await reader.nextEvent(timeoutMs);
    assert.ok(
      message,
      `event ${i + 1} of ${count} arrived before the stream ended`,
    );
    received.push(checkEvent(message));
  }
  return received;
}

function checkEvent(message: SseMessage) {
  const event = StreamEventSchema.parse(JSON.parse(message.data ?? "null"));
  assert.equal(message.id, String(event.id), "SSE id is the outbox id");
  assert.equal(message.event, event.event, "SSE event is the outbox event");
  return event;
}

async function outboxIds(
  fixture: ExamFixture,
  topic: string,
  afterId = 0,
): Promise<number[]> {
  const rows = await fixture.sql<{ id: string }[]>`
    select e.id::text as id from public.outbox_events as e
    where e.topic = ${topic} and e.id > ${afterId} order by e.id
  `;
  return rows.map((row) => Number(row.id));
}

Deno.test("attemptEvents() delivers an event after a save", async () => {
  await withEventsServer({}, async ({ fixture, open, save, hub }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const topic = `attempt:${attemptId}`;

    const stream = await open(topic, token);
    assert.equal(stream.response.status, 200);
    assert.equal(
      stream.response.headers.get("content-type"),
      "text/event-stream; charset=utf-8",
    );
    assert.equal(stream.response.headers.get("cache-control"), "no-cache");
    assert.equal(stream.response.headers.get("access-control-allow-origin"), "*");
    const ready = await stream.next();
    assert.equal(ready?.retry, 3000);
    assert.equal(ready?.event, "ready", "the stream opens with a ready event");
    const head = await fixture.sql<{ id: string | null }[]>`
      select max(id)::text as id from public.outbox_events where topic = ${topic}`;
    assert.equal(ready?.id, head[0]?.id ?? "0", "ready carries the topic's last event id");
    assert.deepEqual(JSON.parse(ready?.data ?? "null"), { last_event_id: Number(ready?.id) });
    assert.deepEqual(hub.stats().streams, 1);

    await save(token, attemptId, [answerOp(fixture.questionIds[0]!, "b", 0)]);
    const [event] = await readEvents(stream, 1);
    assert.equal(event!.topic, topic);
    assert.equal(event!.event, "ops_applied");
    assert.deepEqual(event!.payload.answers, [{
      question_id: fixture.questionIds[0],
      version: 1,
      value: "b",
    }]);
    assert.ok(!Number.isNaN(Date.parse(event!.created_at)));
    assert.deepEqual(await outboxIds(fixture, topic, event!.id - 1), [
      event!.id,
    ]);
  });
});

Deno.test("attemptEvents() lets a teacher watch with the token in the access_token parameter", async () => {
  await withEventsServer({}, async ({ fixture, streamUrl, save }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const teacherToken = await fixture.tokenFor(fixture.teacher);
    const stream = await openSse(
      streamUrl(`attempt:${attemptId}`, { access_token: teacherToken }),
    );
    try {
      assert.equal(stream.response.status, 200);
      await stream.next(); // retry
      await save(await fixture.tokenFor(student), attemptId, [
        answerOp(fixture.questionIds[1]!, "c", 0),
      ]);
      const [event] = await readEvents(stream, 1);
      assert.equal(event!.event, "ops_applied");
    } finally {
      await stream.close();
    }
  });
});

Deno.test("attemptEvents() resumes after a dropped connection with nothing lost or repeated", async () => {
  await withEventsServer({}, async ({ fixture, open, save, hub }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const topic = `attempt:${attemptId}`;
    const [q1, q2, q3] = fixture.questionIds as [string, string, string];

    const first = await open(topic, token);
    await first.next();
    await save(token, attemptId, [answerOp(q1, "a", 0)]);
    await save(token, attemptId, [answerOp(q2, "a", 0)]);
    const seen = await readEvents(first, 2);
    await first.close(); // the connection drops
    await waitFor(() => hub.stats().streams === 0, {
      message: "the dropped stream is released",
    });

    // Saved while disconnected.
    await save(token, attemptId, [answerOp(q1, "b", 1)]);
    await save(token, attemptId, [answerOp(q3, "a", 0)]);
    await save(token, attemptId, [{
      op_id: crypto.randomUUID(),
      type: "flag",
      question_id: q2,
    }]);

    const lastId = seen.at(-1)!.id;
    const resumed = await open(topic, token, {
      headers: { "last-event-id": String(lastId) },
    });
    assert.equal((await resumed.next())?.retry, 3000);
    const replayed = await readEvents(resumed, 3);
    await save(token, attemptId, [answerOp(q3, "b", 1)]);
    const [live] = await readEvents(resumed, 1);

    const all = [...seen, ...replayed, live!].map((event) => event.id);
    assert.deepEqual(
      all,
      await outboxIds(fixture, topic, seen[0]!.id - 1),
      "every event once, in order",
    );
    assert.deepEqual(replayed.map((event) => event.payload.answers), [
      [{ question_id: q1, version: 2, value: "b" }],
      [{ question_id: q3, version: 1, value: "a" }],
      [],
    ]);

    // The lastEventId parameter works too, and the header wins over it (EventSource
    // reconnects to the same URL with the header).
    const byParam = await open(topic, token, {
      query: { lastEventId: String(replayed[0]!.id) },
    });
    await byParam.next();
    assert.deepEqual(
      (await readEvents(byParam, 3)).map((event) => event.id),
      all.slice(-3),
    );
    const both = await open(topic, token, {
      query: { lastEventId: "0" },
      headers: { "last-event-id": String(replayed[2]!.id) },
    });
    await both.next();
    assert.deepEqual((await readEvents(both, 1)).map((event) => event.id), [
      live!.id,
    ]);
  });
});

Deno.test("attemptEvents() loses nothing of events committed while streams open", async () => {
  await withEventsServer({}, async ({ fixture, open, save }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const topic = `attempt:${attemptId}`;
    const questionId = fixture.questionIds[0]!;
    const saves = 20;

    const writing = (async () => {
      for (let version = 0; version < saves; version++) {
        await save(token, attemptId, [
          answerOp(questionId, version % 2 ? "a" : "b", version),
        ]);
      }
    })();
    // Streams open at different moments of the writes, all resuming from the start.
    const streams: SseReader[] = [];
    for (let i = 0; i < 5; i++) {
      streams.push(await open(topic, token, { query: { lastEventId: "0" } }));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await writing;
    const expected = await outboxIds(fixture, topic);
    assert.equal(
      expected.length,
      saves + 1,
      "attempt_started and one event per save",
    );
    for (const stream of streams) {
      await stream.next(); // retry
      const ids = (await readEvents(stream, expected.length)).map((event) =>
        event.id
      );
      assert.deepEqual(ids, expected);
    }
  });
});

Deno.test("attemptEvents() reads each event once per topic for all its streams", async () => {
  await withEventsServer({}, async ({ fixture, open, save, hub }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const topic = `attempt:${attemptId}`;
    const streams = [];
    for (let i = 0; i < 5; i++) {
      const stream = await open(topic, token);
      await stream.next();
      streams.push(stream);
    }
    assert.deepEqual({
      topics: hub.stats().topics,
      streams: hub.stats().streams,
    }, {
      topics: 1,
      streams: 5,
    });
    const before = hub.stats().fetches;
    await save(token, attemptId, [answerOp(fixture.questionIds[0]!, "d", 0)]);
    const received = [];
    for (const stream of streams) {
      received.push((await readEvents(stream, 1))[0]!.id);
    }
    assert.equal(new Set(received).size, 1, "every stream got the same event");
    // The feed's poll hands the event over (no query of the topic), or one read of the topic
    // catches up when the topic was being read: never one query per stream.
    assert.ok(
      hub.stats().fetches - before <= 1,
      "at most one outbox query of the topic for five streams",
    );
  });
});

Deno.test("attemptEvents() refuses a foreign or malformed topic", async () => {
  await withEventsServer({}, async ({ fixture, open, hub }) => {
    const [owner, other] = fixture.students as [
      typeof fixture.students[0],
      typeof fixture.students[0],
    ];
    const attemptId = await fixture.startAttempt(owner!);
    const token = await fixture.tokenFor(other!);

    for (
      const topic of [
        `attempt:${attemptId}`,
        `attempt:${crypto.randomUUID()}`,
        `user:${owner!.id}`,
        `session:${crypto.randomUUID()}`,
      ]
    ) {
      const stream = await open(topic, token);
      assert.equal(stream.response.status, 403, topic);
      const body = await stream.response.json();
      assert.equal(body.code, "topic_forbidden");
      assert.match(
        body.message,
        /^Cannot open stream: you may not read topic /,
      );
    }
    for (const topic of ["attempt:42", "room", `exam:${attemptId}`, ""]) {
      const stream = await open(topic, token);
      assert.equal(stream.response.status, 400, topic);
      assert.equal((await stream.response.json()).code, "invalid_topic");
    }
    const badId = await open(`attempt:${attemptId}`, token, {
      headers: { "last-event-id": "x1" },
    });
    assert.equal(badId.response.status, 400);
    assert.equal((await badId.response.json()).code, "invalid_last_event_id");

    // A user's own topic is readable.
    const own = await open(`user:${other!.id}`, token);
    assert.equal(own.response.status, 200);
    await own.close();
    await waitFor(() => hub.stats().streams === 0, {
      message: "refused streams hold nothing",
    });
  });
});

Deno.test("attemptEvents() refuses a request without a valid user token with 401", async () => {
  await withEventsServer({}, async ({ fixture, streamUrl }) => {
    const attemptId = await fixture.startAttempt(fixture.students[0]!);
    const url = streamUrl(`attempt:${attemptId}`);
    const cases: [RequestInit, number, string][] = [
      [{}, 401, "missing_token"],
      [{ headers: { authorization: "Bearer nope" } }, 401, "invalid_token"],
      [
        {
          headers: {
            authorization: `Bearer ${await fixture.tokenFor(
              fixture.students[0]!,
              {
                expiresIn: -5,
              },
            )}`,
          },
        },
        401,
        "token_expired",
      ],
      [
        {
          headers: {
            authorization: `Bearer ${await signHs256(
              { role: "anon" },
              secret,
            )}`,
          },
        },
        401,
        "user_required",
      ],
      [
        {
          headers: {
            authorization: `Bearer ${await signHs256(
              { role: "service_role" },
              secret,
            )}`,
          },
        },
        403,
        "user_required",
      ],
    ];
    for (const [init, status, code] of cases) {
      const response = await fetch(url, init);
      assert.equal(response.status, status, code);
      assert.equal((await response.json()).code, code);
    }
    const post = await fetch(url, { method: "POST" });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  });
});

Deno.test("attemptEvents() sends heartbeat comments", async () => {
  await withEventsServer({ heartbeatMs: 50 }, async ({ fixture, open }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const stream = await open(
      `attempt:${attemptId}`,
      await fixture.tokenFor(student),
    );
    assert.equal((await stream.next())?.retry, 3000);
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await stream.next(1000), { comments: ["keep-alive"] });
    }
  });
});

Deno.test("attemptEvents() ends the stream when the token expires", async () => {
  await withEventsServer({}, async ({ fixture, open, hub }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const stream = await open(
      `attempt:${attemptId}`,
      await fixture.tokenFor(student, { expiresIn: 2 }),
    );
    assert.equal(stream.response.status, 200);
    await stream.next();
    const started = Date.now();
    const last = await stream.next(4000);
    assert.equal(last?.event, "reconnect");
    assert.equal(
      last?.id,
      undefined,
      "the reconnect message keeps the last event id",
    );
    assert.deepEqual(ReconnectEventSchema.parse(JSON.parse(last!.data!)), {
      reason: "token_expired",
    });
    assert.equal(await stream.next(1000), undefined, "the stream ends");
    assert.ok(Date.now() - started < 2500);
    await waitFor(() => hub.stats().streams === 0, {
      message: "the ended stream is released",
    });
  });
});

Deno.test("attemptEvents() ends the stream before its maximum lifetime", async () => {
  await withEventsServer({ maxLifetimeMs: 200 }, async ({ fixture, open }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const stream = await open(
      `attempt:${attemptId}`,
      await fixture.tokenFor(student),
    );
    await stream.next();
    const last = await stream.next(2000);
    assert.equal(last?.event, "reconnect");
    assert.deepEqual(JSON.parse(last!.data!), { reason: "max_lifetime" });
    assert.equal(await stream.next(1000), undefined);
  });
});

Deno.test("attemptEvents() ends its streams with a reconnect when the instance shuts down", async () => {
  await withEventsServer({}, async ({ fixture, open, hub }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const stream = await open(
      `attempt:${attemptId}`,
      await fixture.tokenFor(student),
    );
    await stream.next();
    await hub.close();
    const last = await stream.next(2000);
    assert.equal(last?.event, "reconnect");
    assert.deepEqual(JSON.parse(last!.data!), { reason: "shutdown" });
    assert.equal(await stream.next(1000), undefined);
    assert.deepEqual({
      listening: hub.stats().listening,
      streams: hub.stats().streams,
    }, {
      listening: false,
      streams: 0,
    });
  });
});

Deno.test("attemptEvents() frees everything when the client disconnects", async () => {
  await withEventsServer(
    { heartbeatMs: 20 },
    async ({ fixture, open, hub }) => {
      const student = fixture.students[0]!;
      const attemptId = await fixture.startAttempt(student);
      const token = await fixture.tokenFor(student);
      const streams = [
        await open(`attempt:${attemptId}`, token),
        await open(`attempt:${attemptId}`, token),
        await open(`user:${student.id}`, token),
      ];
      for (const stream of streams) await stream.next();
      assert.deepEqual(
        {
          listening: hub.stats().listening,
          topics: hub.stats().topics,
          streams: hub.stats().streams,
        },
        { listening: true, topics: 2, streams: 3 },
      );
      await streams[0]!.close();
      await waitFor(() => hub.stats().streams === 2, {
        message: "one stream is released",
      });
      for (const stream of streams.slice(1)) await stream.close();
      await waitFor(
        () => hub.stats().streams === 0 && hub.stats().topics === 0,
        {
          message: "every stream is released",
        },
      );
      // With no streams left, the hub stops listening after its idle time (50 ms here).
      await waitFor(() => !hub.stats().listening, {
        message: "the LISTEN connection closes",
      });
    },
  );
});

Deno.test("attemptEvents() keeps streams whole when the LISTEN connection is lost", async () => {
  await withEventsServer(
    {},
    async ({ fixture, open, save, hub, listenerName }) => {
      const student = fixture.students[0]!;
      const attemptId = await fixture.startAttempt(student);
      const token = await fixture.tokenFor(student);
      const topic = `attempt:${attemptId}`;
      const stream = await open(topic, token);
      await stream.next();
      await save(token, attemptId, [answerOp(fixture.questionIds[0]!, "a", 0)]);
      const before = await readEvents(stream, 1);

      const originalError = console.error;
      console.error = () => {};
      try {
        const killed = await fixture.sql`
        select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${listenerName}
      `;
        assert.equal(killed.length, 1, "the hub's one LISTEN connection");
        await waitFor(() => !hub.stats().listening, {
          message: "the hub notices the loss",
        });
        // Committed while nobody listens: read again once the hub listens again.
        await save(token, attemptId, [
          answerOp(fixture.questionIds[1]!, "a", 0),
        ]);
        assert.equal(
          hub.stats().listening,
          false,
          "saved while the hub was not listening",
        );
        await waitFor(() => hub.stats().listening, {
          message: "the hub listens again",
        });
      } finally {
        console.error = originalError;
      }
      await save(token, attemptId, [answerOp(fixture.questionIds[2]!, "a", 0)]);
      const after = await readEvents(stream, 2);
      assert.deepEqual(
        [...before, ...after].map((event) => event.id),
        await outboxIds(fixture, topic, before[0]!.id - 1),
      );
    },
  );
});

Deno.test("attemptEvents' exported handler streams through the instance's hub", async () => {
  const fixture = await createExamFixture({ students: 1 });
  const server = listen(handler);
  let stream: SseReader | undefined;
  try {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    stream = await openSse(
      `${server.url}/attempt-events?topic=attempt:${attemptId}&access_token=${token}&lastEventId=0`,
    );
    assert.equal(stream.response.status, 200);
    assert.equal((await stream.next())?.retry, 3000);
    const [started] = await readEvents(stream, 1);
    assert.equal(started!.event, "attempt_started");
    assert.equal(getOutboxHub().stats().streams, 1);
  } finally {
    await stream?.close();
    await waitFor(() => getOutboxHub().stats().streams === 0, {
      message: "the stream is released",
    });
    await closeOutboxHub();
    await server.close();
    await closeDb();
    await fixture.cleanup();
  }
});

Deno.test("attemptEvents() delivers an event whose transaction commits after a larger id of another topic", async () => {
  await withEventsServer({}, async ({ fixture, open, save }) => {
    const [sue, sam] = fixture.students as [
      typeof fixture.students[0],
      typeof fixture.students[0],
    ];
    const sueAttempt = await fixture.startAttempt(sue!);
    const samAttempt = await fixture.startAttempt(sam!);
    const sueStream = await open(
      `attempt:${sueAttempt}`,
      await fixture.tokenFor(sue!),
    );
    const samStream = await open(
      `attempt:${samAttempt}`,
      await fixture.tokenFor(sam!),
    );
    await sueStream.next();
    await samStream.next();

    // A slow transaction takes an outbox id of Sue's topic and does not commit yet…
    const slow = new pg.Client({ connectionString: dbUrl });
    await slow.connect();
    try {
      await slow.query("begin");
      const { rows: [held] } = await slow.query<{ id: string }>(
        `select private.publish_event('attempt:${sueAttempt}', 'slow_event', '{}') as id`,
      );
      // …while Sam's save commits a larger id, which the feed reads first.
      await save(await fixture.tokenFor(sam!), samAttempt, [
        answerOp(fixture.questionIds[0]!, "a", 0),
      ]);
      const [samEvent] = await readEvents(samStream, 1);
      assert.ok(
        samEvent!.id > Number(held!.id),
        "Sam's event has the larger id",
      );
      await new Promise((resolve) => setTimeout(resolve, 300)); // several polls past Sam's id
      await slow.query("commit");
      const [sueEvent] = await readEvents(sueStream, 1);
      assert.deepEqual([sueEvent!.id, sueEvent!.event], [
        Number(held!.id),
        "slow_event",
      ]);
    } finally {
      await slow.end();
    }
  });
});
