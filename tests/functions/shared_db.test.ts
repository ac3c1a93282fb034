import assert from "node:assert/strict";
import { createDb } from "../../functions/_shared/db.ts";
import { isPostgresError } from "../../functions/_shared/errors.ts";
import type { JwtClaims } from "../../functions/_shared/jwt.ts";
import { requireEnv } from "./helpers.ts";

const dbUrl = requireEnv("SUPABASE_DB_URL");
const exp = () => Math.floor(Date.now() / 1000) + 600;

Deno.test("withUser() sets up the transaction as PostgREST does", async () => {
  const db = createDb({ url: dbUrl });
  const userId = crypto.randomUUID();
  const claims: JwtClaims = {
    role: "authenticated",
    sub: userId,
    exp: exp(),
    aud: "authenticated",
  };
  const request = new Request("http://localhost/attempt-sync/batch?x=1", {
    method: "POST",
    headers: { "X-Client-Info": "supabase-js/2", Cookie: "theme=dark; lang=fr" },
  });
  try {
    const [row] = await db.withUser(claims, request, (sql) =>
      sql`
        select current_user as role,
          auth.uid() as uid,
          current_setting('request.jwt.claims')::jsonb as claims,
          current_setting('request.method') as method,
          current_setting('request.path') as path,
          current_setting('request.headers')::jsonb as headers,
          current_setting('request.cookies')::jsonb as cookies,
          current_setting('search_path') as search_path,
          current_setting('transaction_read_only') as read_only
      `);
    assert.equal(row?.role, "authenticated");
    assert.equal(row?.uid, userId);
    assert.deepEqual(row?.claims, claims);
    assert.equal(row?.method, "POST");
    assert.equal(row?.path, "/attempt-sync/batch");
    assert.equal(row?.headers["x-client-info"], "supabase-js/2");
    assert.deepEqual(row?.cookies, { theme: "dark", lang: "fr" });
    assert.equal(row?.search_path, "public, extensions");
    assert.equal(row?.read_only, "off");
  } finally {
    await db.close();
  }
});

Deno.test("withUser() applies the role's own settings and reads only for GET", async () => {
  const db = createDb({ url: dbUrl });
  try {
    const [expected] = await db.sql<{ timeout: string | null }[]>`
      select (
        select substr(c, strpos(c, '=') + 1)
        from pg_catalog.pg_db_role_setting as s
        join pg_catalog.pg_roles as r on r.oid = s.setrole, unnest(s.setconfig) as c
        where r.rolname = 'anon' and c like 'statement\\_timeout=%'
        limit 1
      ) as timeout
    `;
    const [row] = await db.withUser(
      { role: "anon", exp: exp() },
      new Request("http://localhost/health"),
      (sql) =>
        sql`select current_setting('statement_timeout') as timeout, current_setting('transaction_read_only') as read_only`,
    );
    assert.equal(row?.read_only, "on");
    if (expected?.timeout) assert.equal(row?.timeout, expected.timeout);
  } finally {
    await db.close();
  }
});

Deno.test("withServiceRole() rolls back everything when the work fails", async () => {
  const db = createDb({ url: dbUrl });
  const slug = `rollback-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await assert.rejects(
      db.withServiceRole(async (sql) => {
        await sql`insert into public.academies (name, slug) values ('Rollback probe', ${slug})`;
        await sql`select 1 / 0`;
      }),
      (error: unknown) => isPostgresError(error) && error.code === "22012",
    );
    const [row] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from public.academies where slug = ${slug}
    `;
    assert.equal(row?.n, 0);
  } finally {
    await db.close();
  }
});

Deno.test("withServiceRole() runs as service_role and withOwner() as the connection's role", async () => {
  const db = createDb({ url: dbUrl });
  try {
    const [service] = await db.withServiceRole((sql) =>
      sql`select current_user as role, current_setting('request.jwt.claims')::jsonb ->> 'role' as claim`
    );
    assert.deepEqual({ ...service }, { role: "service_role", claim: "service_role" });
    const [owner] = await db.withOwner((sql) => sql`select current_user as role`, {
      readOnly: true,
    });
    assert.equal(owner?.role, new URL(dbUrl).username);
  } finally {
    await db.close();
  }
});

Deno.test("sql inlines a nested fragment's text and values, and runs only when awaited", async () => {
  const db = createDb({ url: dbUrl, max: 1 });
  try {
    const columns = db.sql`${1}::int as a, ${"two"}::text as b`;
    const [row] = await db.sql<{ a: number; b: string; c: boolean }[]>`select ${columns}, ${true}::boolean as c`;
    assert.deepEqual({ ...row }, { a: 1, b: "two", c: true });
    const rows = await db.sql`select 1 as n from pg_catalog.generate_series(1, 3)`;
    assert.equal(rows.count, 3);
  } finally {
    await db.close();
  }
});
