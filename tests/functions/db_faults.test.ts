// Faults the database layer must survive: a backend terminated in the middle of a
// transaction, a server that is not there, and a pool whose connections all died.
import assert from "node:assert/strict";
import { createDb } from "../../functions/_shared/db.ts";
import { toHttpError } from "../../functions/_shared/errors.ts";
import { closedPort, requireEnv } from "./helpers.ts";

const dbUrl = requireEnv("SUPABASE_DB_URL");

/** Terminates, from another connection, every backend whose query text contains `marker`. */
async function terminateBackendsRunning(marker: string): Promise<number> {
  const killer = createDb({ url: dbUrl, max: 1 });
  try {
    for (let tries = 0; tries < 50; tries++) {
      const rows = await killer.sql<{ pid: number }[]>`
        select pid from pg_catalog.pg_stat_activity
        where query like ${"%" + marker + "%"} and pid <> pg_catalog.pg_backend_pid()
      `;
      if (rows.length > 0) {
        await killer.sql`
          select pg_catalog.pg_terminate_backend(pid) from unnest(${rows.map((row) => row.pid)}::int[]) as pid
        `;
        return rows.length;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return 0;
  } finally {
    await killer.close();
  }
}

Deno.test("withOwner() survives pg_terminate_backend() of its transaction and serves the next one", async () => {
  const db = createDb({ url: dbUrl, max: 1 });
  try {
    const marker = `terminated_${crypto.randomUUID().replaceAll("-", "")}`;
    // Caught at once: it may fail while the killer connection is still closing.
    const doomed = db.withOwner((sql) => sql.unsafe(`select pg_sleep(5) as ${marker}`))
      .then(() => undefined, (caught) => caught);
    assert.equal(await terminateBackendsRunning(marker), 1);
    const error = await doomed;
    assert.ok(error, "the terminated transaction fails");
    const http = toHttpError(error);
    assert.equal(http.status, 503);
    assert.equal(http.code, "database_unavailable");
    for (let i = 0; i < 5; i++) {
      const [row] = await db.withOwner((sql) => sql<{ n: number }[]>`select ${i}::int as n`);
      assert.equal(row?.n, i);
    }
  } finally {
    await db.close();
  }
});

Deno.test("withUser() answers database_unavailable within a few seconds when nothing listens", async () => {
  const url = new URL(dbUrl);
  url.port = String(closedPort());
  const db = createDb({ url: url.toString(), max: 2 });
  try {
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => db.withServiceRole((sql) => sql`select 1`)),
    );
    const elapsed = performance.now() - started;
    for (const result of results) {
      assert.equal(result.status, "rejected");
      const http = toHttpError((result as PromiseRejectedResult).reason);
      assert.equal(http.status, 503);
      assert.equal(http.code, "database_unavailable");
    }
    assert.ok(elapsed < 5000, `failed in ${Math.round(elapsed)} ms`);
  } finally {
    await db.close();
  }
});

Deno.test("a pool whose idle connections were all terminated serves the next requests", async () => {
  const db = createDb({ url: dbUrl, max: 3 });
  const applicationName = `examsync-idle-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Promise.all(
      Array.from({ length: 3 }, () =>
        db.withOwner((sql) => sql`select set_config('application_name', ${applicationName}, false), pg_sleep(0.1)`)
      ),
    );
    const killer = createDb({ url: dbUrl, max: 1 });
    try {
      await killer.sql`
        select pg_catalog.pg_terminate_backend(pid) from pg_catalog.pg_stat_activity
        where application_name = ${applicationName}
      `;
    } finally {
      await killer.close();
    }
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => db.withOwner((sql) => sql<{ n: number }[]>`select ${i}::int as n`)),
    );
    assert.deepEqual(results.map(([row]) => row?.n), [0, 1, 2, 3, 4, 5]);
  } finally {
    await db.close();
  }
});
