import assert from "node:assert/strict";
import { generateKeyPair, SignJWT } from "jose";
import { closeDb, createDb, type Db } from "../../functions/_shared/db.ts";
import { createAttemptSyncHandler } from "../../functions/attempt-sync/handler.ts";
import { handler } from "../../functions/attempt-sync/index.ts";
import type { RateLimit } from "../../functions/attempt-sync/config.ts";
import { takeRateLimit } from "../../functions/attempt-sync/rate_limit.ts";
import type { JwtKeys } from "../../functions/_shared/jwt.ts";
import { type Op, SyncResponseSchema } from "../../types/sync.ts";
import {
  createExamFixture,
  type ExamFixture,
  type ExamFixtureOptions,
  listen,
  requireEnv,
  signHs256,
} from "./helpers.ts";

const dbUrl = requireEnv("SUPABASE_DB_URL");
const secret = requireEnv("JWT_SECRET");
const keys = { jwtSecret: secret };

interface SyncContext {
  fixture: ExamFixture;
  url: string;
  db: Db;
  /** POSTs a body (JSON-encoded unless a string) with a bearer token. */
  post(token: string | undefined, body: unknown, init?: RequestInit): Promise<Response>;
}

interface SyncServerOptions extends ExamFixtureOptions {
  rateLimit?: RateLimit;
  /** Keys verifying tokens; default the test's JWT secret. */
  keys?: JwtKeys;
}

/** Serves attempt-sync over a fresh fixture; cleans everything up after `run`. */
async function withSyncServer(
  options: SyncServerOptions,
  run: (context: SyncContext) => Promise<void>,
): Promise<void> {
  const fixture = await createExamFixture(options);
  const db = createDb({ url: dbUrl });
  const server = listen(createAttemptSyncHandler({
    db,
    keys: options.keys ?? keys,
    rateLimit: options.rateLimit ?? { limit: 1000, windowSeconds: 10 },
  }));
  const url = `${server.url}/attempt-sync`;
  const post = (token: string | undefined, body: unknown, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return fetch(url, {
      method: "POST",
      ...init,
      headers,
      body: typeof body === "string" || body instanceof ReadableStream || body instanceof Uint8Array
        ? body as BodyInit
        : JSON.stringify(body),
    });
  };
  try {
    await run({ fixture, url, db, post });
  } finally {
    await server.close();
    await db.close();
    await fixture.cleanup();
  }
}

function answer(questionId: string, value: unknown, baseVersion: number, seq?: number): Op {
  return {
    op_id: crypto.randomUUID(),
    type: "answer",
    question_id: questionId,
    value: value as Op extends { value: infer V } ? V : never,
    base_version: baseVersion,
    ...(seq === undefined ? {} : { seq }),
  };
}

/** Asserts an error response's status and code, returning its body. */
async function expectError(
  response: Response,
  status: number,
  code: string,
): Promise<{ code: string; message: string; details?: unknown; hint?: string }> {
  const body = await response.json();
  assert.equal(response.status, status, `status of ${JSON.stringify(body)}`);
  assert.equal(body.code, code);
  assert.equal(typeof body.message, "string");
  assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  return body;
}

async function errorRows(fixture: ExamFixture, attemptId: string): Promise<string[]> {
  const rows = await fixture.sql<{ error_code: string }[]>`
    select error_code from private.sync_batches
    where attempt_id = ${attemptId} and error_code is not null
    order by id
  `;
  return rows.map((row) => row.error_code);
}

Deno.test("attemptSync() applies a batch and answers with results, status and the server's clock", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const [q1, q2] = fixture.questionIds;
    const ops: Op[] = [
      answer(q1!, "b", 0, 1),
      { op_id: crypto.randomUUID(), type: "flag", question_id: q2!, seq: 2 },
      { op_id: crypto.randomUUID(), type: "timer", remaining_ms: 3_500_000 },
      { op_id: crypto.randomUUID(), type: "activity", event: "focus_lost", details: { tab: 2 } },
    ];
    const before = Date.now();
    const response = await post(token, { attemptId, clientId: "laptop", ops });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    const body = SyncResponseSchema.parse(await response.json());
    assert.deepEqual(body.results.map((result) => [result.op_id, result.status]), [
      [ops[0]!.op_id, "applied"],
      [ops[1]!.op_id, "applied"],
      [ops[2]!.op_id, "applied"],
      [ops[3]!.op_id, "applied"],
    ]);
    assert.equal(body.results[0]!.version, 1);
    // Each result carries exactly the fields of its op, none as null.
    assert.deepEqual(body.results.slice(1), [
      { op_id: ops[1]!.op_id, question_id: q2, flagged: true, status: "applied" },
      { op_id: ops[2]!.op_id, status: "applied" },
      { op_id: ops[3]!.op_id, status: "applied" },
    ]);
    assert.equal(body.status, "in_progress");
    assert.ok(Math.abs(Date.parse(body.serverNow) - before) < 60_000, "serverNow is now");
    assert.ok(body.remainingMs > 3_500_000 && body.remainingMs <= 3_600_000, "about an hour left");
    const untilDeadline = Date.parse(body.deadlineAt) - Date.parse(body.serverNow);
    assert.ok(
      Math.abs(untilDeadline - body.remainingMs) <= 1,
      "remainingMs = deadlineAt - serverNow",
    );

    const [stored] = await fixture.sql<{ value: unknown; version: number; client_id: string }[]>`
      select value, version, client_id from public.attempt_answers
      where attempt_id = ${attemptId} and question_id = ${q1!}
    `;
    assert.deepEqual(stored, { value: "b", version: 1, client_id: "laptop" });
  });
});

Deno.test("attemptSync() refuses a request without a valid token with 401", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const body = { attemptId, clientId: "laptop", ops: [] };

    const missing = await expectError(await post(undefined, body), 401, "missing_token");
    assert.match(missing.message, /no bearer token/);

    const forged = await signHs256(
      { role: "authenticated", sub: student.id },
      "a-forged-secret-of-at-least-32-characters!",
    );
    await expectError(await post(forged, body), 401, "invalid_token");
    await expectError(await post("not-a-jwt", body), 401, "invalid_token");

    const expired = await fixture.tokenFor(student, { expiresIn: -60 });
    const response = await post(expired, body);
    assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
    await expectError(response, 401, "token_expired");
  });
});

Deno.test("attemptSync() refuses the anon role with 401 and the service role with 403", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const attemptId = await fixture.startAttempt(fixture.students[0]!);
    const body = { attemptId, clientId: "laptop", ops: [] };
    await expectError(
      await post(await signHs256({ role: "anon" }, secret), body),
      401,
      "user_required",
    );
    await expectError(
      await post(await signHs256({ role: "service_role" }, secret), body),
      403,
      "user_required",
    );
  });
});

Deno.test("attemptSync() refuses a batch over 256 KB with 413", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const big = JSON.stringify({
      attemptId,
      clientId: "laptop",
      ops: [answer(fixture.questionIds[0]!, "x".repeat(300 * 1024), 0)],
    });

    const declared = await expectError(await post(token, big), 413, "payload_too_large");
    assert.deepEqual(declared.details, { maxBytes: 256 * 1024 });

    // No Content-Length (chunked): refused once the bytes read pass the limit.
    const bytes = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.byteLength; at += 16 * 1024) {
          controller.enqueue(bytes.slice(at, at + 16 * 1024));
        }
        controller.close();
      },
    });
    await expectError(
      await post(token, chunked, { duplex: "half" } as RequestInit),
      413,
      "payload_too_large",
    );

    // Just under the limit is read (and then refused by the database for its op size).
    const fits = JSON.stringify({
      attemptId,
      clientId: "laptop",
      ops: [answer(fixture.questionIds[0]!, "x".repeat(200 * 1024), 0)],
    });
    assert.ok(new TextEncoder().encode(fits).byteLength < 256 * 1024);
    await expectError(await post(token, fits), 400, "value_too_large");
  });
});

Deno.test("attemptSync() refuses a body that is not JSON with 400", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const token = await fixture.tokenFor(fixture.students[0]!);
    await expectError(await post(token, "{ not json"), 400, "invalid_json");
    await expectError(await post(token, ""), 400, "invalid_json");
    await expectError(
      await post(token, new Uint8Array([0x7b, 0xff, 0x7d])), // not UTF-8
      400,
      "invalid_json",
    );
  });
});

Deno.test("attemptSync() refuses an invalid request with 400 naming the first issue", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);

    const noAttempt = await expectError(
      await post(token, { attemptId: "42", clientId: "laptop", ops: [] }),
      400,
      "invalid_request",
    );
    assert.match(noAttempt.message, /^Cannot accept request: attemptId: /);

    const badOp = await expectError(
      await post(token, {
        attemptId,
        clientId: "laptop",
        ops: [answer(fixture.questionIds[0]!, "a", 0), {
          op_id: crypto.randomUUID(),
          type: "answer",
          question_id: "nope",
          value: "a",
          base_version: 0,
        }],
      }),
      400,
      "invalid_request",
    );
    assert.match(badOp.message, /^Cannot accept request: ops\[1\]\.question_id: /);
    assert.ok(Array.isArray(badOp.details));
    assert.deepEqual((badOp.details as { path: unknown[] }[])[0]!.path, ["ops", 1, "question_id"]);

    const unknownType = await expectError(
      await post(token, {
        attemptId,
        clientId: "laptop",
        ops: [{ op_id: crypto.randomUUID(), type: "teleport" }],
      }),
      400,
      "invalid_request",
    );
    assert.match(unknownType.message, /ops\[0\]\.type/);

    await expectError(
      await post(token, { attemptId, clientId: "", ops: [] }),
      400,
      "invalid_request",
    );
    await expectError(await post(token, [1, 2]), 400, "invalid_request");

    // Refused batches of a known attempt count as sync errors.
    assert.deepEqual(await errorRows(fixture, attemptId), [
      "invalid_request",
      "invalid_request",
      "invalid_request",
    ]);
  });
});

Deno.test("attemptSync() refuses more than 200 ops with 400 too_many_ops", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const ops = Array.from({ length: 201 }, () => ({
      op_id: crypto.randomUUID(),
      type: "timer",
      remaining_ms: 1000,
    }));
    const body = await expectError(
      await post(token, { attemptId, clientId: "laptop", ops }),
      400,
      "too_many_ops",
    );
    assert.deepEqual(body.details, { maxOps: 200, opCount: 201 });

    const fine = await post(token, { attemptId, clientId: "laptop", ops: ops.slice(0, 200) });
    assert.equal(fine.status, 200);
    assert.equal((await fine.json()).results.length, 200);
    assert.deepEqual(await errorRows(fixture, attemptId), ["too_many_ops"]);
  });
});

Deno.test("attemptSync() refuses a malformed op found by the database with 400 and its code", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const foreignQuestion = crypto.randomUUID();
    const good = answer(fixture.questionIds[0]!, "a", 0);
    const bad = answer(foreignQuestion, "a", 0);
    const notInExam = await expectError(
      await post(token, { attemptId, clientId: "laptop", ops: [good, bad] }),
      400,
      "question_not_in_exam",
    );
    assert.match(notInExam.message, /^Cannot apply op 2 \(/);
    assert.deepEqual(notInExam.details, {
      op_index: 2,
      op_id: bad.op_id,
      code: "question_not_in_exam",
    });

    await expectError(
      await post(token, {
        attemptId,
        clientId: "laptop",
        ops: [answer(fixture.questionIds[0]!, "z", 0)],
      }),
      400,
      "invalid_answer",
    );

    // The whole batch was refused: the good op did nothing.
    const [{ count }] = await fixture.sql<{ count: number }[]>`
      select count(*)::int as count from public.attempt_answers where attempt_id = ${attemptId}
    ` as unknown as [{ count: number }];
    assert.equal(count, 0);
    assert.deepEqual(await errorRows(fixture, attemptId), [
      "question_not_in_exam",
      "invalid_answer",
    ]);
  });
});

Deno.test("attemptSync() answers 404 alike for another user's attempt and one that does not exist", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const [owner, intruder] = fixture.students as [
      typeof fixture.students[0],
      typeof fixture.students[0],
    ];
    const attemptId = await fixture.startAttempt(owner!);
    const token = await fixture.tokenFor(intruder!);
    const op = answer(fixture.questionIds[0]!, "c", 0);

    const foreign = await expectError(
      await post(token, { attemptId, clientId: "intruder", ops: [op] }),
      404,
      "attempt_not_found",
    );
    const missingId = crypto.randomUUID();
    const missing = await expectError(
      await post(token, { attemptId: missingId, clientId: "intruder", ops: [op] }),
      404,
      "attempt_not_found",
    );
    assert.equal(
      foreign.message.replace(attemptId, "<id>"),
      missing.message.replace(missingId, "<id>"),
    );
    assert.deepEqual(Object.keys(foreign).sort(), Object.keys(missing).sort());

    // Nothing was written to the owner's attempt, nor counted against it.
    const answers = await fixture
      .sql`select 1 from public.attempt_answers where attempt_id = ${attemptId}`;
    assert.equal(answers.length, 0);
    assert.deepEqual(await errorRows(fixture, attemptId), []);
  });
});

Deno.test("attemptSync() refuses writes after the deadline with 409", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const saved = answer(fixture.questionIds[0]!, "a", 0);
    assert.equal((await post(token, { attemptId, clientId: "laptop", ops: [saved] })).status, 200);

    // Past the deadline and the exam's grace period (60 s).
    await fixture.sql`
      update public.exam_attempts set deadline_at = now() - interval '2 minutes' where id = ${attemptId}
    `;
    const late = await post(token, {
      attemptId,
      clientId: "laptop",
      ops: [answer(fixture.questionIds[1]!, "b", 0)],
    });
    const body = await late.json();
    assert.equal(late.status, 409);
    if (body.code !== "attempt_expired") {
      // The expiry cron job closed the attempt in between: refused as closed.
      assert.equal(body.code, "attempt_closed");
    }
    assert.match(body.message, /^Cannot save: attempt /);

    // A replay of an op applied before the deadline still answers with its first result.
    const replay = await post(token, { attemptId, clientId: "laptop", ops: [saved] });
    assert.equal(replay.status, 200);
    assert.equal((await replay.json()).results[0].status, "duplicate");
    assert.deepEqual(await errorRows(fixture, attemptId), [body.code]);
  });
});

Deno.test("attemptSync() answers 429 with Retry-After when the rate limit is exceeded", async () => {
  await withSyncServer(
    { rateLimit: { limit: 2, windowSeconds: 30 } },
    async ({ fixture, post }) => {
      const [first, second] = fixture.students;
      const attemptId = await fixture.startAttempt(first!);
      const token = await fixture.tokenFor(first!);
      const batch = { attemptId, clientId: "laptop", ops: [] };
      assert.equal((await post(token, batch)).status, 200);
      assert.equal((await post(token, batch)).status, 200);

      const refused = await post(token, batch);
      const retryAfter = Number(refused.headers.get("retry-after"));
      const body = await expectError(refused, 429, "rate_limited");
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 30,
        `Retry-After ${retryAfter}`,
      );
      assert.deepEqual(body.details, {
        limit: 2,
        windowSeconds: 30,
        retryAfterSeconds: retryAfter,
      });
      // Invalid batches count too: the limit is taken before the body is read.
      await expectError(await post(token, "garbage"), 429, "rate_limited");

      // The limit is per user.
      const other = await fixture.tokenFor(second!);
      const otherAttempt = await fixture.startAttempt(second!);
      assert.equal((await post(other, { ...batch, attemptId: otherAttempt })).status, 200);
    },
  );
});

Deno.test("attemptSync() applies the same batch sent three times concurrently once", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const ops = fixture.questionIds.map((questionId, index) =>
      answer(questionId, "b", 0, index + 1)
    );
    const batch = { attemptId, clientId: "laptop", ops };

    const responses = await Promise.all([
      post(token, batch),
      post(token, batch),
      post(token, batch),
    ]);
    const bodies = await Promise.all(responses.map((response) => response.json()));
    assert.deepEqual(responses.map((response) => response.status), [200, 200, 200]);
    const statuses = bodies.map((body) =>
      body.results.map((result: { status: string }) => result.status)
    );
    const applied = statuses.filter((list) => list.every((status: string) => status === "applied"));
    const duplicates = statuses.filter((list) =>
      list.every((status: string) => status === "duplicate")
    );
    assert.equal(applied.length, 1, "one batch applied");
    assert.equal(duplicates.length, 2, "two batches answered as duplicates");
    for (const body of bodies) {
      assert.deepEqual(body.results.map((result: { version: number }) => result.version), [
        1,
        1,
        1,
      ]);
    }

    const history = await fixture.sql<{ op_id: string; count: number }[]>`
      select op_id, count(*)::int as count from public.question_attempt_history
      where attempt_id = ${attemptId} group by op_id
    `;
    assert.equal(history.length, ops.length);
    assert.ok(history.every((row) => row.count === 1), "one history row per op");
    const versions = await fixture.sql<{ version: number }[]>`
      select version from public.attempt_answers where attempt_id = ${attemptId}
    `;
    assert.deepEqual(versions.map((row) => row.version), [1, 1, 1]);
  });
});

Deno.test("attemptSync() applies an op id repeated in one batch once and answers the repeat duplicate", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    // Answers only, to distinct questions: the batch the database applies set-based.
    const first = answer(fixture.questionIds[0]!, "a", 0);
    const repeat = { ...answer(fixture.questionIds[1]!, "b", 0), op_id: first.op_id };

    const response = await post(token, { attemptId, clientId: "laptop", ops: [first, repeat] });
    assert.equal(response.status, 200);
    const body = SyncResponseSchema.parse(await response.json());
    assert.deepEqual(
      body.results.map((result) => [result.status, (result as { question_id?: string }).question_id]),
      [["applied", fixture.questionIds[0]], ["duplicate", fixture.questionIds[0]]],
    );

    const answers = await fixture.sql<{ question_id: string }[]>`
      select question_id from public.attempt_answers where attempt_id = ${attemptId}
    `;
    assert.deepEqual(answers.map((row) => row.question_id), [fixture.questionIds[0]]);

    // Replayed later, the op id answers with the first op's result.
    const replay = await post(token, { attemptId, clientId: "laptop", ops: [repeat] });
    const replayed = SyncResponseSchema.parse(await replay.json()).results[0]!;
    assert.equal(replayed.status, "duplicate");
    assert.equal((replayed as { question_id?: string }).question_id, fixture.questionIds[0]);
  });
});

Deno.test("attemptSync() settles two devices editing one answer by each conflict strategy", async (t) => {
  await withSyncServer({ students: 4, conflictStrategy: "server" }, async ({ fixture, post }) => {
    const questionId = fixture.questionIds[0]!;

    /** Device A saves "a" from version 0, then device B saves `valueB` also edited from version 0. */
    async function race(
      studentIndex: number,
      strategy: "merge" | "local" | "server",
      bOp: (questionId: string) => Op,
    ) {
      const student = fixture.students[studentIndex]!;
      const attemptId = await fixture.startAttempt(student);
      const [{ conflict_strategy }] = await fixture.sql<{ conflict_strategy: string }[]>`
        select conflict_strategy from public.exam_attempts where id = ${attemptId}
      ` as unknown as [{ conflict_strategy: string }];
      if (conflict_strategy !== strategy) {
        await fixture.sql`
          update public.exam_attempts set conflict_strategy = ${strategy} where id = ${attemptId}
        `;
      }
      const token = await fixture.tokenFor(student);
      const a = await post(token, {
        attemptId,
        clientId: "device-a",
        ops: [answer(questionId, "a", 0)],
      });
      assert.equal(a.status, 200);
      assert.deepEqual((await a.json()).results[0].version, 1);
      const op = bOp(questionId);
      const b = await post(token, { attemptId, clientId: "device-b", ops: [op] });
      assert.equal(b.status, 200);
      const result = (await b.json()).results[0];
      const [stored] = await fixture.sql<{ value: unknown; version: number; client_id: string }[]>`
        select value, version, client_id from public.attempt_answers
        where attempt_id = ${attemptId} and question_id = ${questionId}
      `;
      const history = await fixture.sql<
        { new_value: unknown; new_version: number | null; source: string }[]
      >`
        select new_value, new_version, source from public.question_attempt_history
        where attempt_id = ${attemptId} and question_id = ${questionId} order by id
      `;
      const conflicts = await fixture.sql<{ local_value: unknown; resolved_at: Date | null }[]>`
        select local_value, resolved_at from public.attempt_conflicts where attempt_id = ${attemptId}
      `;
      return { op, result, stored, history: [...history], conflicts: [...conflicts] };
    }

    await t.step(
      "server (the exam's default) keeps the stored answer and opens a conflict",
      async () => {
        const { op, result, stored, history, conflicts } = await race(
          0,
          "server",
          (q) => answer(q, "b", 0),
        );
        assert.equal(result.op_id, op.op_id);
        assert.equal(result.status, "conflict");
        assert.equal(result.resolution, "server");
        assert.equal(result.server_value, "a");
        assert.equal(result.server_version, 1);
        assert.equal(typeof result.conflict_id, "string");
        assert.deepEqual(stored, { value: "a", version: 1, client_id: "device-a" });
        assert.deepEqual(history, [
          { new_value: "a", new_version: 1, source: "save" },
          { new_value: "b", new_version: null, source: "conflict_loser" },
        ]);
        assert.deepEqual(conflicts, [{ local_value: "b", resolved_at: null }]);
      },
    );

    await t.step("local takes the device's answer and keeps the other in the history", async () => {
      const { op, result, stored, history, conflicts } = await race(
        1,
        "local",
        (q) => answer(q, "b", 0),
      );
      // Exactly these fields: a conflict always carries conflict_id, null when none was opened.
      assert.deepEqual(result, {
        op_id: op.op_id,
        question_id: questionId,
        status: "conflict",
        resolution: "local",
        version: 2,
        server_value: "a",
        server_version: 1,
        conflict_id: null,
      });
      assert.deepEqual(stored, { value: "b", version: 2, client_id: "device-b" });
      assert.deepEqual(history, [
        { new_value: "a", new_version: 1, source: "save" },
        { new_value: "a", new_version: null, source: "conflict_loser" },
        { new_value: "b", new_version: 2, source: "save" },
      ]);
      assert.deepEqual(conflicts, []);
    });

    await t.step("merge takes a non-empty answer from the device", async () => {
      const { result, stored } = await race(2, "merge", (q) => answer(q, "c", 0));
      assert.equal(result.status, "conflict");
      assert.equal(result.resolution, "local");
      assert.deepEqual(stored, { value: "c", version: 2, client_id: "device-b" });
    });

    await t.step("merge keeps the stored answer over a stale clear", async () => {
      const { result, stored, history, conflicts } = await race(3, "merge", (q) => ({
        op_id: crypto.randomUUID(),
        type: "clear_answer",
        question_id: q,
        base_version: 0,
      }));
      assert.equal(result.status, "conflict");
      assert.equal(result.resolution, "server");
      assert.deepEqual(stored, { value: "a", version: 1, client_id: "device-a" });
      assert.deepEqual(history.at(-1), {
        new_value: null,
        new_version: null,
        source: "conflict_loser",
      });
      assert.deepEqual(conflicts, []);
    });
  });
});

Deno.test("attemptSync() answers only POST, and a CORS preflight", async () => {
  await withSyncServer({}, async ({ url }) => {
    const get = await fetch(url);
    assert.equal(get.headers.get("allow"), "POST, OPTIONS");
    await expectError(get, 405, "method_not_allowed");

    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.status, 204);
    await preflight.body?.cancel();
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /authorization/);
  });
});

Deno.test("attemptSync's exported handler serves batches with the environment's settings", async () => {
  const fixture = await createExamFixture({ students: 1 });
  const server = listen(handler);
  try {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const response = await fetch(`${server.url}/attempt-sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${await fixture.tokenFor(student)}` },
      body: JSON.stringify({
        attemptId,
        clientId: "phone",
        ops: [answer(fixture.questionIds[0]!, "d", 0)],
      }),
    });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).results[0].status, "applied");
    const [limit] = await fixture.sql<{ hits: number }[]>`
      select hits from private.rate_limits where key = ${`attempt-sync:${student.id}`}
    `;
    assert.equal(limit?.hits, 1, "the batch counted against the user's rate limit");
  } finally {
    await server.close();
    await closeDb();
    await fixture.cleanup();
  }
});

Deno.test("takeRateLimit() allows exactly the limit to concurrent callers, then a new window", async () => {
  const db = createDb({ url: dbUrl, max: 10 });
  const key = `test:${crypto.randomUUID()}`;
  try {
    const limit = { limit: 5, windowSeconds: 1 };
    const decisions = await Promise.all(
      Array.from({ length: 12 }, () => takeRateLimit(db, key, limit)),
    );
    assert.equal(decisions.filter((decision) => decision.allowed).length, 5);
    for (const decision of decisions.filter((decision) => !decision.allowed)) {
      assert.equal(decision.retryAfterSeconds, 1);
    }
    const [row] = await db.sql<{ hits: number }[]>`
      select hits from private.rate_limits where key = ${key}
    `;
    assert.equal(row?.hits, 6, "refused hits do not grow the count past the limit plus one");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await takeRateLimit(db, key, limit)).allowed, true, "a new window starts");
    assert.deepEqual(await takeRateLimit(db, key, { limit: 0, windowSeconds: 1 }), {
      allowed: true,
      retryAfterSeconds: 0,
    });
  } finally {
    await db.sql`delete from private.rate_limits where key = ${key}`;
    await db.close();
  }
});

/** Counts the answers and activity events stored for an attempt. */
async function storedCounts(fixture: ExamFixture, attemptId: string) {
  const [row] = await fixture.sql<{ answers: number; activities: number }[]>`
    select
      (select count(*)::int from public.attempt_answers where attempt_id = ${attemptId}) as answers,
      (select count(*)::int from public.attempt_activity_events
        where attempt_id = ${attemptId} and event_type in ('paste', 'copy')) as activities
  `;
  return row;
}

Deno.test("attemptSync() answers 400 invalid_text for a NUL in an answer", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const good = answer(fixture.questionIds[0]!, "a", 0);
    const bad = answer(fixture.questionIds[1]!, { text: "a\u0000b" }, 0);
    const body = await expectError(
      await post(token, { attemptId, clientId: "laptop", ops: [good, bad] }),
      400,
      "invalid_text",
    );
    assert.match(body.message, new RegExp(`^Cannot apply op 2 \\(${bad.op_id}\\): value\\.text `));
    assert.deepEqual(body.details, {
      op_index: 2,
      op_id: bad.op_id,
      code: "invalid_text",
      path: "ops[1].value.text",
    });
    assert.deepEqual(await storedCounts(fixture, attemptId), { answers: 0, activities: 0 });
    assert.deepEqual(await errorRows(fixture, attemptId), ["invalid_text"]);
  });
});

Deno.test("attemptSync() answers 400 invalid_text for a lone surrogate in an answer", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    for (const text of ["\ud83d", "x\udc00", "\ud83d\ud83d"]) {
      const bad = answer(fixture.questionIds[0]!, [text], 0);
      const body = await expectError(
        await post(token, { attemptId, clientId: "laptop", ops: [bad] }),
        400,
        "invalid_text",
      );
      assert.deepEqual(body.details, {
        op_index: 1,
        op_id: bad.op_id,
        code: "invalid_text",
        path: "ops[0].value[0]",
      });
    }
    assert.deepEqual(await storedCounts(fixture, attemptId), { answers: 0, activities: 0 });
  });
});

Deno.test("attemptSync() answers 400 invalid_text for a NUL in activity details", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const activity = (details: Record<string, unknown>): Op => ({
      op_id: crypto.randomUUID(),
      type: "activity",
      event: "paste",
      details: details as Record<string, never>,
    });
    const inValue = activity({ text: ["fine", "pasted\u0000"] });
    const valueError = await expectError(
      await post(token, { attemptId, clientId: "laptop", ops: [inValue] }),
      400,
      "invalid_text",
    );
    assert.deepEqual(valueError.details, {
      op_index: 1,
      op_id: inValue.op_id,
      code: "invalid_text",
      path: "ops[0].details.text[1]",
    });
    const inKey = activity({ "k\u0000": 1 });
    const keyError = await expectError(
      await post(token, { attemptId, clientId: "laptop", ops: [activity({}), inKey] }),
      400,
      "invalid_text",
    );
    assert.equal((keyError.details as { op_index: number }).op_index, 2);
    assert.equal((keyError.details as { op_id: string }).op_id, inKey.op_id);
    assert.deepEqual(await storedCounts(fixture, attemptId), { answers: 0, activities: 0 });

    // Text Postgres can store, an emoji's surrogate pair included, is stored as sent.
    const fine = activity({ text: "caf\u00e9 \ud83d\ude00" });
    assert.equal((await post(token, { attemptId, clientId: "laptop", ops: [fine] })).status, 200);
    const [stored] = await fixture.sql<{ text: string }[]>`
      select details ->> 'text' as text from public.attempt_activity_events
      where attempt_id = ${attemptId} and event_type = 'paste'
    `;
    assert.equal(stored?.text, "caf\u00e9 \ud83d\ude00");
  });
});

Deno.test("attemptSync() answers 400 invalid_text for a NUL or a lone surrogate in clientId", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    for (const clientId of ["tab\u00001", "tab-\ud83d"]) {
      const body = await expectError(
        await post(token, { attemptId, clientId, ops: [answer(fixture.questionIds[0]!, "a", 0)] }),
        400,
        "invalid_text",
      );
      assert.deepEqual(body.details, { code: "invalid_text", path: "clientId" });
      assert.match(body.message, /^Cannot accept request: clientId /);
    }
    assert.deepEqual(await storedCounts(fixture, attemptId), { answers: 0, activities: 0 });
    const [connections] = await fixture.sql<{ count: number }[]>`
      select count(*)::int as count from public.attempt_connections where attempt_id = ${attemptId}
    `;
    assert.equal(connections?.count, 0);
  });
});

Deno.test("attemptSync() answers 400 too_deeply_nested for an answer nested 5,000 levels deep", async () => {
  await withSyncServer({}, async ({ fixture, post }) => {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const opId = crypto.randomUUID();
    const deep = `${"[".repeat(5000)}"a"${"]".repeat(5000)}`;
    const text = `{"attemptId":"${attemptId}","clientId":"laptop","ops":[{"op_id":"${opId}",` +
      `"type":"answer","question_id":"${
        fixture.questionIds[0]
      }","value":${deep},"base_version":0}]}`;
    const body = await expectError(await post(token, text), 400, "too_deeply_nested");
    assert.equal((body.details as { op_index: number }).op_index, 1);
    assert.equal((body.details as { op_id: string }).op_id, opId);
    assert.match(body.message, /more than 32 levels deep/);

    // Activity details nest as deep: refused alike, the server still serves.
    const details = `{"op_id":"${crypto.randomUUID()}","type":"activity","event":"copy",` +
      `"details":{"d":${'{"d":'.repeat(3000)}1${"}".repeat(3000)}}}`;
    await expectError(
      await post(token, `{"attemptId":"${attemptId}","clientId":"laptop","ops":[${details}]}`),
      400,
      "too_deeply_nested",
    );
    assert.equal((await post(token, { attemptId, clientId: "laptop", ops: [] })).status, 200);
  });
});

Deno.test("attemptSync() answers 401 invalid_token for an ES256 token when no JWKS is published", async () => {
  let fetches = 0;
  const jwksServer = listen(() => {
    fetches++;
    return Response.json({ code: "not_found", message: "No JWKS here" }, { status: 404 });
  });
  try {
    const jwksUrl = `${jwksServer.url}/auth/v1/.well-known/jwks.json`;
    await withSyncServer({ keys: { jwtSecret: secret, jwksUrl } }, async ({ fixture, post }) => {
      const student = fixture.students[0]!;
      const attemptId = await fixture.startAttempt(student);
      const { privateKey } = await generateKeyPair("ES256");
      const token = await new SignJWT({ role: "authenticated", sub: student.id })
        .setProtectedHeader({ alg: "ES256", kid: "k1", typ: "JWT" })
        .setExpirationTime("1h")
        .sign(privateKey);
      for (let i = 0; i < 3; i++) {
        const response = await post(token, { attemptId, clientId: "laptop", ops: [] });
        assert.match(
          response.headers.get("www-authenticate") ?? "",
          /^Bearer error="invalid_token"/,
        );
        const body = await expectError(response, 401, "invalid_token");
        assert.equal(
          body.message,
          "Cannot verify token: ES256 tokens are not accepted: no JWKS is published",
        );
      }
      assert.equal(fetches, 1, "the missing JWKS is fetched once, not once per request");
      // HS256 tokens are verified as before.
      const hs256 = await fixture.tokenFor(student);
      assert.equal((await post(hs256, { attemptId, clientId: "laptop", ops: [] })).status, 200);
    });
  } finally {
    await jwksServer.close();
  }
});

Deno.test("attemptSync() answers 503 jwks_unavailable from a 30 s memory of a failed JWKS fetch", async () => {
  let fetches = 0;
  const jwksServer = listen(async () => {
    fetches++;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return new Response("upstream down", { status: 502 });
  });
  try {
    const jwksUrl = `${jwksServer.url}/auth/v1/.well-known/jwks.json`;
    await withSyncServer({ keys: { jwksUrl } }, async ({ fixture, post }) => {
      const student = fixture.students[0]!;
      const attemptId = await fixture.startAttempt(student);
      const { privateKey } = await generateKeyPair("ES256");
      const token = await new SignJWT({ role: "authenticated", sub: student.id })
        .setProtectedHeader({ alg: "ES256", kid: "k1", typ: "JWT" })
        .setExpirationTime("1h")
        .sign(privateKey);
      const body = { attemptId, clientId: "laptop", ops: [] };
      // Concurrent requests share one fetch; later ones are answered from memory.
      const responses = await Promise.all([
        post(token, body),
        post(token, body),
        post(token, body),
      ]);
      responses.push(await post(token, body));
      for (const response of responses) {
        const retryAfter = Number(response.headers.get("retry-after"));
        await expectError(response, 503, "jwks_unavailable");
        assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
      }
      assert.equal(fetches, 1, "one fetch for every request within 30 s");
    });
  } finally {
    await jwksServer.close();
  }
});
