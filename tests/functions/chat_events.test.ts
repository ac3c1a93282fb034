import assert from "node:assert/strict";
import { createDb, type Db } from "../../functions/_shared/db.ts";
import type { UserClaims } from "../../functions/_shared/jwt.ts";
import { createAttemptEventsHandler } from "../../functions/attempt-events/handler.ts";
import { createOutboxHub, type OutboxHub } from "../../functions/attempt-events/hub.ts";
import { EphemeralEventSchema, StreamEventSchema, TypingPayloadSchema } from "../../types/sync.ts";
import {
  createExamFixture,
  type ExamFixture,
  listen,
  openSse,
  requireEnv,
  type SseReader,
  type TestUser,
  waitFor,
} from "./helpers.ts";

const dbUrl = requireEnv("SUPABASE_DB_URL");
const secret = requireEnv("JWT_SECRET");
const keys = { jwtSecret: secret };

interface ChatContext {
  fixture: ExamFixture;
  db: Db;
  hub: OutboxHub;
  /** The student's mentor room with the teacher. */
  roomId: string;
  /** Runs SQL as a user, as PostgREST runs an RPC. */
  as<T>(user: TestUser, work: (sql: Db["sql"]) => Promise<T>): Promise<T>;
  open(topic: string, user: TestUser, headers?: HeadersInit): Promise<SseReader>;
}

function claimsOf(user: TestUser): UserClaims {
  return {
    sub: user.id,
    role: "authenticated",
    email: user.email,
    exp: Math.floor(Date.now() / 1000) + 3600,
  };
}

/** Serves attempt-events over a fixture in which the first student opened a mentor room. */
async function withChatServer(
  options: { heartbeatMs?: number },
  run: (context: ChatContext) => Promise<void>,
): Promise<void> {
  const fixture = await createExamFixture({ students: 2 });
  const db = createDb({ url: dbUrl });
  const hub = createOutboxHub({ url: dbUrl, db, idleMs: 50, retryMs: 300 });
  const server = listen(createAttemptEventsHandler({
    hub,
    db,
    keys,
    heartbeatMs: options.heartbeatMs ?? 60_000,
    maxLifetimeMs: 60_000,
    retryMs: 3000,
  }));
  const readers: SseReader[] = [];
  const as = <T>(user: TestUser, work: (sql: Db["sql"]) => Promise<T>) =>
    db.withUser(
      claimsOf(user),
      new Request("http://localhost/rest/v1/rpc", { method: "POST" }),
      work,
    );
  try {
    const [room] = await as(fixture.students[0]!, (sql) =>
      sql<{ id: string }[]>`
        select r.id from public.open_mentor_room(${fixture.academyId}, ${fixture.teacher.id}) as r
      `);
    await run({
      fixture,
      db,
      hub,
      roomId: room!.id,
      as,
      async open(topic, user, headers) {
        const all = new Headers(headers);
        all.set("authorization", `Bearer ${await fixture.tokenFor(user)}`);
        const reader = await openSse(
          `${server.url}/attempt-events?${new URLSearchParams({ topic })}`,
          {
            headers: all,
          },
        );
        readers.push(reader);
        return reader;
      },
    });
  } finally {
    for (const reader of readers) await reader.close();
    await hub.close();
    await server.close();
    await db.close();
    await fixture.cleanup();
  }
}

/**
 * The next event other than `user_status_changed` (opening a room stream makes its
 * user online, which the room hears).
 */
async function nextChatEvent(reader: SseReader) {
  for (;;) {
    const message = await reader.nextEvent();
    if (message?.event !== "user_status_changed") return message;
  }
}

function send(
  context: ChatContext,
  user: TestUser,
  body: string,
  clientMsgId = crypto.randomUUID(),
) {
  return context.as(user, async (sql) => {
    const [message] = await sql<{ id: string }[]>`
      select m.id::text from public.send_message(${context.roomId}, ${body}, ${clientMsgId}) as m
    `;
    return Number(message!.id);
  });
}

Deno.test("attemptEvents() streams a room's messages and read receipts to its members", async () => {
  await withChatServer({}, async (context) => {
    const { fixture } = context;
    const student = fixture.students[0]!;
    const teacher = await context.open(`room:${context.roomId}`, fixture.teacher);
    assert.equal(teacher.response.status, 200);
    const id = await send(context, student, "Hello, I am stuck on question 3");

    const created = await nextChatEvent(teacher);
    assert.equal(created?.event, "message_created");
    const event = StreamEventSchema.parse(JSON.parse(created!.data!));
    assert.equal(created!.id, String(event.id));
    assert.equal(event.payload.body, "Hello, I am stuck on question 3");

    const studentStream = await context.open(`room:${context.roomId}`, student);
    await context.as(
      fixture.teacher,
      (sql) => sql`select public.mark_room_read(${context.roomId}, ${id})`,
    );
    const read = await nextChatEvent(studentStream);
    assert.equal(read?.event, "message_read");
    assert.deepEqual(
      { ...StreamEventSchema.parse(JSON.parse(read!.data!)).payload },
      { room_id: context.roomId, user_id: fixture.teacher.id, last_read_message_id: id },
    );
  });
});

Deno.test("attemptEvents() sends typing to a room's live streams without an id and never replays it", async () => {
  await withChatServer({}, async (context) => {
    const { fixture } = context;
    const student = fixture.students[0]!;
    const teacher = await context.open(`room:${context.roomId}`, fixture.teacher);
    const [first] = await context.as(
      student,
      (sql) => sql<{ sent: boolean }[]>`select public.send_typing(${context.roomId}) as sent`,
    );
    const [second] = await context.as(
      student,
      (sql) => sql<{ sent: boolean }[]>`select public.send_typing(${context.roomId}) as sent`,
    );
    assert.deepEqual([first!.sent, second!.sent], [true, false], "one typing signal per 2 s");

    const typing = await nextChatEvent(teacher);
    assert.equal(typing?.event, "typing");
    assert.equal(typing!.id, undefined, "an ephemeral event has no id");
    const data = EphemeralEventSchema.parse(JSON.parse(typing!.data!));
    assert.equal(data.topic, `room:${context.roomId}`);
    assert.equal(TypingPayloadSchema.parse(data.payload).user_id, student.id);

    // A message after it, then a reconnect from the start: the replay holds the joins and
    // the message, never the typing signal.
    await send(context, student, "Done typing");
    const created = await nextChatEvent(teacher);
    assert.equal(created?.event, "message_created");
    const replay = await context.open(`room:${context.roomId}`, fixture.teacher, {
      "last-event-id": "0",
    });
    const names: string[] = [];
    for (let i = 0; i < 3; i++) names.push((await nextChatEvent(replay))!.event!);
    assert.deepEqual(names, ["member_joined", "member_joined", "message_created"]);
  });
});

Deno.test("attemptEvents() refuses a room topic the caller may not read, as RLS does", async () => {
  await withChatServer({}, async (context) => {
    const outsider = context.fixture.students[1]!;
    const refused = await context.open(`room:${context.roomId}`, outsider);
    assert.equal(refused.response.status, 403);
    assert.equal((await refused.response.json()).code, "topic_forbidden");

    const foreignThread = await context.open(`room:${context.roomId}:${outsider.id}`, outsider);
    assert.equal(
      foreignThread.response.status,
      403,
      "a student topic exists only in proctoring rooms",
    );

    // The student leaves the academy: her room stream is refused at once.
    const student = context.fixture.students[0]!;
    await context.fixture.sql`
      delete from public.academy_members where academy_id = ${context.fixture.academyId} and user_id = ${student.id}
    `;
    const left = await context.open(`room:${context.roomId}`, student);
    assert.equal(left.response.status, 403);
  });
});

Deno.test("attemptEvents() keeps the user of an open room stream online in Postgres", async () => {
  await withChatServer({ heartbeatMs: 100 }, async (context) => {
    const { fixture } = context;
    const student = fixture.students[0]!;
    const teacher = await context.open(`room:${context.roomId}`, fixture.teacher);
    await context.open(`room:${context.roomId}`, student);
    const status = async () => {
      const [row] = await fixture.sql<{ status: string }[]>`
        select status::text from public.user_presence where user_id = ${student.id}
      `;
      return row?.status;
    };
    await waitFor(async () => (await status()) === "online", { message: "the student is online" });

    const changed = await teacher.nextEvent();
    assert.equal(changed?.event, "user_status_changed");
    const payload = StreamEventSchema.parse(JSON.parse(changed!.data!)).payload;
    assert.equal(payload.status, "online");
    assert.ok(payload.user_id === student.id || payload.user_id === fixture.teacher.id);
  });
});
