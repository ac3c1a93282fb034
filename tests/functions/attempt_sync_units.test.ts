import assert from "node:assert/strict";
import { ConfigError } from "../../functions/_shared/env.ts";
import { HttpError } from "../../functions/_shared/errors.ts";
import { parseJsonBytes, readBodyBytes } from "../../functions/attempt-sync/body.ts";
import { parseSyncSettings } from "../../functions/attempt-sync/config.ts";
import {
  describeBatch,
  formatIssuePath,
  parseSyncRequest,
} from "../../functions/attempt-sync/validate.ts";
import {
  findJsonProblem,
  isJsonValue,
  isStorableText,
  MAX_JSON_DEPTH,
  SyncRequestSchema,
} from "../../types/sync.ts";

Deno.test("parseSyncSettings() defaults to 20 batches per 10 s and reads the environment", () => {
  assert.deepEqual(parseSyncSettings({}).rateLimit, { limit: 60, windowSeconds: 10 });
  assert.deepEqual(
    parseSyncSettings({ ATTEMPT_SYNC_RATE_LIMIT: " 0 ", ATTEMPT_SYNC_RATE_WINDOW_SECONDS: "60" })
      .rateLimit,
    { limit: 0, windowSeconds: 60 },
  );
  assert.throws(
    () => parseSyncSettings({ ATTEMPT_SYNC_RATE_LIMIT: "lots" }),
    new ConfigError(
      "Cannot read environment: ATTEMPT_SYNC_RATE_LIMIT must be an integer between 0 and 100000",
    ),
  );
  assert.throws(() => parseSyncSettings({ ATTEMPT_SYNC_RATE_WINDOW_SECONDS: "0" }), ConfigError);
});

Deno.test("readBodyBytes() reads up to the limit and refuses one byte more with 413", async () => {
  const request = (body: string, headers: HeadersInit = {}) =>
    new Request("http://localhost/", { method: "POST", body, headers });
  assert.equal(new TextDecoder().decode(await readBodyBytes(request("12345"), 5)), "12345");
  await assert.rejects(readBodyBytes(request("123456"), 5), (error: HttpError) => {
    assert.equal(error.status, 413);
    assert.equal(error.code, "payload_too_large");
    return true;
  });
  // A lying Content-Length does not get more read than the limit.
  const lying = new Request("http://localhost/", {
    method: "POST",
    body: "123456",
    headers: { "content-length": "3" },
  });
  await assert.rejects(readBodyBytes(lying, 5), HttpError);
  assert.equal(
    (await readBodyBytes(new Request("http://localhost/", { method: "POST" }), 5)).byteLength,
    0,
  );
});

Deno.test("parseJsonBytes() refuses empty, non-UTF-8 and non-JSON bodies with 400", () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  assert.deepEqual(parseJsonBytes(encode('{"a":[1]}')), { a: [1] });
  for (const bytes of [encode(""), encode("{"), new Uint8Array([0x22, 0xc3, 0x22])]) {
    assert.throws(() => parseJsonBytes(bytes), (error: HttpError) => error.code === "invalid_json");
  }
});

Deno.test("parseSyncRequest() names the first issue's path and counts ops first", () => {
  const attemptId = crypto.randomUUID();
  assert.throws(
    () =>
      parseSyncRequest({
        attemptId,
        clientId: "x",
        ops: [{ op_id: crypto.randomUUID(), type: "timer" }],
      }),
    (error: HttpError) => {
      assert.equal(error.code, "invalid_request");
      assert.match(error.message, /^Cannot accept request: ops\[0\]\.remaining_ms: /);
      return true;
    },
  );
  assert.throws(
    () => parseSyncRequest({ ops: Array.from({ length: 201 }, () => "junk") }),
    (error: HttpError) => error.code === "too_many_ops",
  );
  assert.deepEqual(describeBatch({ attemptId, ops: [1, 2] }), { attemptId, opCount: 2 });
  assert.deepEqual(describeBatch({ attemptId: 7 }), { attemptId: undefined, opCount: 0 });
  assert.equal(formatIssuePath([]), "body");
  assert.equal(formatIssuePath(["ops", 3, "details", "x"]), "ops[3].details.x");
});

Deno.test("SyncRequestSchema accepts every op type and refuses what the database would", () => {
  const id = () => crypto.randomUUID();
  const ops = [
    { op_id: id(), type: "answer", question_id: id(), value: ["a", "b"], base_version: 0, seq: 1 },
    { op_id: id(), type: "answer", question_id: id(), value: null, base_version: 3 },
    { op_id: id(), type: "clear_answer", question_id: id(), base_version: 2 },
    { op_id: id(), type: "flag", question_id: id() },
    { op_id: id(), type: "unflag", question_id: id() },
    { op_id: id(), type: "position", question_id: id() },
    { op_id: id(), type: "section", section_id: id(), status: "completed", time_used_ms: 1000 },
    { op_id: id(), type: "timer", remaining_ms: 0 },
    { op_id: id(), type: "activity", event: "paste", details: { length: 12 } },
  ];
  assert.equal(
    SyncRequestSchema.parse({ attemptId: id(), clientId: "tab", ops }).ops.length,
    ops.length,
  );
  const refused = [
    { op_id: id(), type: "answer", question_id: id(), base_version: 0 }, // no value
    { op_id: id(), type: "answer", question_id: id(), value: 1, base_version: -1 },
    { op_id: id(), type: "flag", question_id: id(), seq: 1.5 },
    { op_id: id(), type: "section", section_id: id(), status: "not_started" },
    { op_id: id(), type: "activity", event: "screenshot" },
    { op_id: id(), type: "activity", event: "copy", details: [1] },
    { op_id: "op-1", type: "timer", remaining_ms: 5 },
  ];
  for (const op of refused) {
    assert.equal(
      SyncRequestSchema.safeParse({ attemptId: id(), clientId: "tab", ops: [op] }).success,
      false,
      JSON.stringify(op),
    );
  }
});

Deno.test("findJsonProblem() walks 100,000 levels without overflowing and names the first problem", () => {
  let deep: unknown = "x";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(findJsonProblem(deep)?.code, "too_deeply_nested");
  assert.equal(findJsonProblem(deep)?.path.length, MAX_JSON_DEPTH);
  assert.equal(isJsonValue(deep), false);
  assert.equal(findJsonProblem(deep, { maxDepth: 200_000 }), undefined);
  assert.deepEqual(findJsonProblem({ a: [1, "ok", { b: "\u0000" }], c: "\ud83d" }), {
    code: "invalid_text",
    path: ["a", 2, "b"],
  });
  assert.deepEqual(findJsonProblem({ "\udc00": 1 }), { code: "invalid_text", path: ["\udc00"] });
  assert.deepEqual(findJsonProblem([1, new Date()]), { code: "not_json", path: [1] });
  assert.deepEqual(findJsonProblem({ n: Infinity }), { code: "not_json", path: ["n"] });
  assert.equal(isJsonValue({ a: [1, "caf\u00e9 \ud83d\ude00", null, true] }), true);
  assert.equal(isStorableText("\ud83d\ude00"), true);
  for (const text of ["\u0000", "\ud83d", "\ude00", "a\ud83d\ud83d", "\ude00\ud83d"]) {
    assert.equal(isStorableText(text), false, JSON.stringify(text));
  }
});

Deno.test("parseSyncRequest() names the op holding text Postgres cannot store", () => {
  const opId = crypto.randomUUID();
  const body = {
    attemptId: crypto.randomUUID(),
    clientId: "tab",
    ops: [
      { op_id: crypto.randomUUID(), type: "flag", question_id: crypto.randomUUID() },
      {
        op_id: opId,
        type: "answer",
        question_id: crypto.randomUUID(),
        value: "\u0000",
        base_version: 0,
      },
    ],
  };
  assert.throws(() => parseSyncRequest(body), (error: HttpError) => {
    assert.equal(error.status, 400);
    assert.equal(error.code, "invalid_text");
    assert.deepEqual(error.details, {
      op_index: 2,
      op_id: opId,
      code: "invalid_text",
      path: "ops[1].value",
    });
    return true;
  });
});
