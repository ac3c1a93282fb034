import assert from "node:assert/strict";
import { closeDb } from "../../functions/_shared/db.ts";
import { RPC_PREFIX, rpcHandler } from "../../scripts/rest-rpc.ts";
import { createExamFixture, listen } from "./helpers.ts";

Deno.test("rpcHandler() passes JSON numbers to Postgres exactly as sent", async () => {
  const fixture = await createExamFixture({ students: 1 });
  const server = listen(rpcHandler);
  try {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const opId = crypto.randomUUID();
    // JSON.parse would turn these into the doubles 12345678901234567000 and 0.1.
    const text = `{"p_attempt_id":"${attemptId}","p_client_id":"tab","p_ops":[{"op_id":"${opId}",` +
      `"type":"activity","event":"paste","details":{"big":12345678901234567890.5,` +
      `"exact":0.1000000000000000000001}}]}`;
    const response = await fetch(`${server.url}${RPC_PREFIX}apply_attempt_ops`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: text,
    });
    assert.equal(response.status, 200, await response.clone().text());
    const body = await response.json();
    assert.equal(body.results[0].op_id, opId);
    const [stored] = await fixture.sql<{ big: string; exact: string }[]>`
      select details ->> 'big' as big, details ->> 'exact' as exact
      from public.attempt_activity_events
      where attempt_id = ${attemptId} and event_type = 'paste'
    `;
    assert.deepEqual({ ...stored }, {
      big: "12345678901234567890.5",
      exact: "0.1000000000000000000001",
    });
  } finally {
    await server.close();
    await fixture.cleanup();
    await closeDb();
  }
});

Deno.test("rpcHandler() answers bad input as PostgREST does, never 500", async () => {
  const fixture = await createExamFixture({ students: 1 });
  const server = listen(rpcHandler);
  try {
    const student = fixture.students[0]!;
    const attemptId = await fixture.startAttempt(student);
    const token = await fixture.tokenFor(student);
    const call = (path: string, body: string) =>
      fetch(`${server.url}${RPC_PREFIX}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
      });
    const nul = await call(
      "apply_attempt_ops",
      `{"p_attempt_id":"${attemptId}","p_client_id":"tab\\u0000","p_ops":[]}`,
    );
    assert.equal(nul.status, 400);
    assert.equal((await nul.json()).code, "22P05");
    const notObject = await call("apply_attempt_ops", "[1]");
    assert.equal(notObject.status, 400);
    assert.equal((await notObject.json()).code, "PGRST102");
    const badPath = await call("apply%E0%A4", "{}");
    assert.equal(badPath.status, 404);
    assert.equal((await badPath.json()).code, "PGRST202");
  } finally {
    await server.close();
    await fixture.cleanup();
    await closeDb();
  }
});
