import assert from "node:assert/strict";
import { closeDb, createDb } from "../../functions/_shared/db.ts";
import { createHealthHandler } from "../../functions/health/check.ts";
import { handler } from "../../functions/health/index.ts";
import { closedPort, listen, requireEnv, signHs256 } from "./helpers.ts";

const dbUrl = requireEnv("SUPABASE_DB_URL");
const secret = requireEnv("JWT_SECRET");
const keys = { jwtSecret: secret };

/** Serves a health handler over a database of its own; closes both after `run`. */
async function withHealthServer(
  url: string,
  run: (baseUrl: string) => Promise<void>,
): Promise<void> {
  const db = createDb({ url, acquireTimeoutMs: 2000 });
  const server = listen(createHealthHandler({ db, keys }));
  try {
    await run(`${server.url}/health`);
  } finally {
    await server.close();
    await db.close();
  }
}

async function latestMigration(): Promise<string> {
  const db = createDb({ url: dbUrl });
  try {
    const [row] = await db.sql<{ version: string }[]>`
      select max(version) as version from supabase_migrations.schema_migrations
    `;
    assert.ok(row?.version, "the database has a migration");
    return row.version;
  } finally {
    await db.close();
  }
}

Deno.test("health answers 200 with the latest migration", async () => {
  const expected = await latestMigration();
  await withHealthServer(dbUrl, async (url) => {
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(await response.json(), { status: "ok", database: "ok", migration: expected });
  });
});

Deno.test("health adds cron jobs and row counts for the service role only", async () => {
  await withHealthServer(dbUrl, async (url) => {
    const service = await signHs256({ role: "service_role" }, secret);
    const response = await fetch(url, { headers: { authorization: `Bearer ${service}` } });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.ok(Array.isArray(body.details.cron_jobs));
    for (const job of body.details.cron_jobs) {
      assert.deepEqual(Object.keys(job).sort(), ["active", "jobname", "schedule"]);
    }
    for (const table of ["academies", "academy_members", "profiles"]) {
      assert.equal(typeof body.details.counts[table], "number", `count of ${table}`);
    }

    const callers = [
      await signHs256({ role: "anon" }, secret),
      await signHs256({ role: "authenticated", sub: crypto.randomUUID() }, secret),
      await signHs256({ role: "service_role" }, "a-forged-secret-of-at-least-32-characters!"),
    ];
    for (const token of callers) {
      const basic = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(basic.status, 200);
      assert.equal((await basic.json()).details, undefined);
    }
  });
});

Deno.test("health answers 503 quickly when the database is unreachable", async () => {
  const originalError = console.error;
  console.error = () => {};
  try {
    await withHealthServer(
      `postgresql://postgres:postgres@127.0.0.1:${closedPort()}/postgres`,
      async (url) => {
        const started = performance.now();
        const response = await fetch(url);
        assert.ok(performance.now() - started < 5000, "answers within 5 s");
        assert.equal(response.status, 503);
        const body = await response.json();
        assert.equal(body.status, "error");
        assert.equal(body.database, "unreachable");
        assert.equal(body.code, "database_unreachable");
        assert.match(body.message, /^Cannot reach the database/);
      },
    );
  } finally {
    console.error = originalError;
  }
});

Deno.test("health answers 503 when the database does not answer in time", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn); // accept, never answer
  })();
  const db = createDb({
    url: `postgresql://postgres:postgres@127.0.0.1:${listener.addr.port}/postgres`,
    acquireTimeoutMs: 1000,
  });
  const originalError = console.error;
  console.error = () => {};
  try {
    const response = await createHealthHandler({ db, keys, timeoutMs: 300 })(
      new Request("http://localhost/health"),
    );
    assert.equal(response.status, 503);
    assert.equal(
      (await response.json()).message,
      "Cannot reach the database: no answer within 300 ms",
    );
  } finally {
    listener.close();
    await accepting;
    for (const conn of held) conn.close();
    await db.close();
    console.error = originalError;
  }
});

Deno.test("health refuses POST with 405 and answers HEAD without a body", async () => {
  await withHealthServer(dbUrl, async (url) => {
    const post = await fetch(url, { method: "POST", body: "{}" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD, OPTIONS");
    assert.equal((await post.json()).code, "method_not_allowed");

    const head = await fetch(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  });
});

Deno.test("health answers a CORS preflight", async () => {
  await withHealthServer(dbUrl, async (url) => {
    const response = await fetch(url, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization, x-client-info",
      },
    });
    assert.equal(response.status, 204);
    await response.body?.cancel();
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.match(response.headers.get("access-control-allow-headers") ?? "", /authorization/);
    assert.match(response.headers.get("access-control-allow-headers") ?? "", /last-event-id/);
  });
});

Deno.test("health's exported handler uses SUPABASE_DB_URL", async () => {
  const expected = await latestMigration();
  const server = listen(handler);
  try {
    const response = await fetch(`${server.url}/health`);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).migration, expected);
  } finally {
    await server.close();
    await closeDb();
  }
});
