import assert from "node:assert/strict";
import { z } from "zod";
import { createDb } from "../../functions/_shared/db.ts";
import {
  errorResponse,
  HttpError,
  statusForSqlState,
  tagErrorRole,
  toHttpError,
} from "../../functions/_shared/errors.ts";
import { requireEnv } from "./helpers.ts";

function pgError(code: string, message: string, extra: { detail?: string; hint?: string } = {}) {
  return Object.assign(new Error(message), { name: "PostgresError", code, ...extra });
}

Deno.test("statusForSqlState() follows PostgREST's table", () => {
  const cases: [string, number][] = [
    ["23503", 409],
    ["23505", 409],
    ["25006", 405],
    ["P0001", 400],
    ["P0002", 500],
    ["42883", 404],
    ["42P01", 404],
    ["42P17", 500],
    ["08006", 503],
    ["53100", 503],
    ["53400", 500],
    ["0L000", 403],
    ["0P000", 403],
    ["28P01", 403],
    ["09000", 500],
    ["25001", 500],
    ["2D000", 500],
    ["38000", 500],
    ["39000", 500],
    ["3B000", 500],
    ["40001", 500],
    ["54000", 500],
    ["55P03", 500],
    ["57014", 503], // class 57 (operator intervention, timeouts) is 503 here, where PostgREST says 500
    ["57P01", 503],
    ["57P03", 503],
    ["58030", 500],
    ["F0000", 500],
    ["HV000", 500],
    ["XX000", 500],
    ["PT402", 402],
    ["PT429", 429],
    ["22023", 400],
    ["23514", 400],
    ["22P02", 400],
  ];
  for (const [sqlstate, status] of cases) {
    assert.equal(statusForSqlState(sqlstate), status, `SQLSTATE ${sqlstate}`);
  }
});

Deno.test("statusForSqlState() gives 42501 401 when anonymous and 403 when authenticated", () => {
  assert.equal(statusForSqlState("42501", { authenticated: false }), 401);
  assert.equal(statusForSqlState("42501", { authenticated: true }), 403);
});

Deno.test("toHttpError() keeps an HttpError as is", () => {
  const error = new HttpError(422, { code: "bad", message: "Cannot do it: reason" });
  assert.equal(toHttpError(error), error);
});

Deno.test("toHttpError() maps a Postgres error with its detail and hint", () => {
  const error = toHttpError(
    pgError("23505", "duplicate key", { detail: "Key (id)=(1)", hint: "dup" }),
  );
  assert.equal(error.status, 409);
  assert.deepEqual(error.toJSON(), {
    code: "23505",
    message: "duplicate key",
    details: "Key (id)=(1)",
    hint: "dup",
  });
});

Deno.test("toHttpError() maps 42501 by the role tagged on the error", () => {
  const anon = toHttpError(tagErrorRole(pgError("42501", "permission denied"), "anon"));
  assert.equal(anon.status, 401);
  assert.equal(new Headers(anon.headers).get("www-authenticate"), "Bearer");
  const user = toHttpError(tagErrorRole(pgError("42501", "permission denied"), "authenticated"));
  assert.equal(user.status, 403);
});

Deno.test("toHttpError() reads a raised PGRST error's JSON message and detail", () => {
  const error = toHttpError(pgError(
    "PGRST",
    JSON.stringify({
      code: "rate_limited",
      message: "Cannot ask: too many questions",
      hint: "wait",
    }),
    { detail: JSON.stringify({ status: 429, headers: { "retry-after": "30" } }) },
  ));
  assert.equal(error.status, 429);
  assert.deepEqual(error.toJSON(), {
    code: "rate_limited",
    message: "Cannot ask: too many questions",
    hint: "wait",
  });
  assert.equal(new Headers(error.headers).get("retry-after"), "30");
});

Deno.test("toHttpError() answers PGRST121 for a PGRST error without JSON", () => {
  const error = toHttpError(pgError("PGRST", "not json", { detail: "{}" }));
  assert.equal(error.status, 500);
  assert.equal(error.code, "PGRST121");
});

Deno.test("toHttpError() answers 503 for a refused database connection", () => {
  const error = toHttpError(
    Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
  );
  assert.equal(error.status, 503);
  assert.equal(error.code, "database_unavailable");
});

Deno.test("toHttpError() answers 400 for a zod error", () => {
  const result = z.object({ id: z.uuid() }).safeParse({ id: "x" });
  assert.equal(result.success, false);
  const error = toHttpError(result.error);
  assert.equal(error.status, 400);
  assert.equal(error.code, "invalid_request");
  assert.ok(Array.isArray(error.details));
});

Deno.test("errorResponse() hides an unknown error's text", async () => {
  const originalError = console.error;
  const logged: unknown[][] = [];
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    const response = errorResponse(new Error("password=hunter2"));
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    const text = await response.text();
    assert.deepEqual(JSON.parse(text), {
      code: "internal_error",
      message: "Internal server error",
    });
    assert.ok(!text.includes("hunter2"));
    assert.equal(logged.length, 1);
  } finally {
    console.error = originalError;
  }
});

Deno.test("errorResponse() answers an HttpError with its status, body and headers", async () => {
  const response = errorResponse(
    new HttpError(401, {
      code: "missing_token",
      message: "Cannot authenticate request: no bearer token was sent",
      headers: { "www-authenticate": "Bearer" },
    }),
  );
  assert.equal(response.status, 401);
  assert.equal(response.headers.get("www-authenticate"), "Bearer");
  assert.deepEqual(await response.json(), {
    code: "missing_token",
    message: "Cannot authenticate request: no bearer token was sent",
  });
});

Deno.test("errorResponse() maps errors raised by the real database", async (t) => {
  const db = createDb({ url: requireEnv("SUPABASE_DB_URL") });
  async function raised(body: string): Promise<Response> {
    try {
      await db.sql.unsafe(`do $$ begin ${body}; end $$`);
    } catch (error) {
      return errorResponse(error);
    }
    throw new Error("Expected the statement to fail");
  }
  try {
    await t.step("plain raise exception is 400 P0001", async () => {
      const response = await raised(
        `raise exception 'Cannot save: closed' using hint = 'attempt_closed'`,
      );
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), {
        code: "P0001",
        message: "Cannot save: closed",
        hint: "attempt_closed",
      });
    });
    await t.step("PT402 is 402", async () => {
      const response = await raised(`raise sqlstate 'PT402' using message = 'Payment required'`);
      assert.equal(response.status, 402);
      assert.equal((await response.json()).code, "PT402");
    });
    await t.step("PGRST gives the raised status, body and headers", async () => {
      const response = await raised(`raise sqlstate 'PGRST' using
        message = '{"code":"attempt_not_found","message":"Cannot find attempt","details":null,"hint":null}',
        detail = '{"status":404,"headers":{"x-reason":"gone"}}'`);
      assert.equal(response.status, 404);
      assert.equal(response.headers.get("x-reason"), "gone");
      assert.deepEqual(await response.json(), {
        code: "attempt_not_found",
        message: "Cannot find attempt",
      });
    });
    await t.step("an anonymous permission error is 401", async () => {
      let response: Response | undefined;
      try {
        await db.withUser(
          { role: "anon", exp: Math.floor(Date.now() / 1000) + 60 },
          new Request("http://localhost/x"),
          (sql) => sql`select academy_id from public.academy_members`,
        );
      } catch (error) {
        response = errorResponse(error);
      }
      assert.equal(response?.status, 401);
      assert.equal((await response?.json()).code, "42501");
    });
  } finally {
    await db.close();
  }
});

Deno.test("errorResponse() answers 400 invalid_text and input_too_complex for input Postgres cannot store", async (t) => {
  const db = createDb({ url: requireEnv("SUPABASE_DB_URL") });
  async function failed(run: () => Promise<unknown>): Promise<unknown> {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error("Expected the statement to fail");
  }
  try {
    await t.step("a NUL escape in jsonb (22P05) is 400 invalid_text", async () => {
      const error = await failed(() => db.sql`select ${'{"a":"x\\u0000"}'}::text::jsonb`);
      const response = errorResponse(error);
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.equal(body.code, "invalid_text");
      assert.equal(body.details.sqlstate, "22P05");
      // The PostgREST stand-in answers as PostgREST does.
      assert.equal((await errorResponse(error, { postgrest: true }).json()).code, "22P05");
    });
    await t.step("a NUL byte in text (22021) is 400 invalid_text", async () => {
      const error = await failed(() => db.sql`select ${"tab\u00001"}::text`);
      const response = errorResponse(error);
      assert.equal(response.status, 400);
      assert.equal((await response.json()).code, "invalid_text");
    });
    await t.step("a lone surrogate escape in JSON (22P02) is 400 invalid_text", async () => {
      const error = await failed(() => db.sql`select ${'["\\ud83d"]'}::text::jsonb`);
      const response = errorResponse(error);
      assert.equal(response.status, 400);
      assert.equal((await response.json()).code, "invalid_text");
    });
    await t.step(
      "JSON too deep for the database's stack (54001) is 400 input_too_complex",
      async () => {
        const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
        const error = await failed(() => db.sql`select ${deep}::text::jsonb`);
        assert.equal((error as { code?: string }).code, "54001");
        const response = errorResponse(error);
        assert.equal(response.status, 400);
        assert.equal((await response.json()).code, "input_too_complex");
      },
    );
  } finally {
    await db.close();
  }
});
