/**
 * Database access with npm:postgres. A user's work runs in one transaction set
 * up exactly as PostgREST sets up a request, so RLS applies as for
 * `supabase.rpc()`; service-role and owner access are separate, named helpers.
 *
 * @module
 */

import postgres from "postgres";
import { getConfig } from "./env.ts";
import { tagErrorRole } from "./errors.ts";
import type { JwtClaims, Role } from "./jwt.ts";

/** A connection pool (the owner connection of `SUPABASE_DB_URL`). */
export type Sql = postgres.Sql;
/** The `sql` of one transaction. */
export type TransactionSql = postgres.ReservedSql;
/** Work done inside a transaction. */
export type Work<T> = (sql: TransactionSql) => Promise<T>;

/** Options of {@linkcode createDb}. */
export interface DbOptions {
  /** Connection string; defaults to `SUPABASE_DB_URL`. */
  url?: string;
  /** Pool size; default `DB_POOL_MAX` (5). */
  max?: number;
  /** Seconds to wait for a connection; default 5. */
  connectTimeout?: number;
  /** Seconds an idle connection is kept; default 30. */
  idleTimeout?: number;
  /**
   * Named prepared statements; default `true`, except on port 6543
   * (Supavisor transaction mode), where they cannot be used.
   */
  prepare?: boolean;
}

/** Options of a transaction. */
export interface TransactionOptions {
  /**
   * `begin read only`. {@linkcode Db.withUser} defaults to it for GET and HEAD,
   * as PostgREST does; the other helpers default to read write.
   */
  readOnly?: boolean;
}

/** A database: one lazily connecting pool and the ways to use it. */
export interface Db {
  /** The pool, connected as the URL's user (`postgres`): no RLS on owned tables. */
  readonly sql: Sql;
  /**
   * Runs `work` in one transaction as the token's role, with the settings
   * PostgREST makes: `role`, `request.jwt.claims`, `request.method`,
   * `request.path`, `request.headers`, `request.cookies`, `search_path` and
   * the role's own settings (such as `statement_timeout`).
   */
  withUser<T>(
    claims: JwtClaims,
    request: Request,
    work: Work<T>,
    options?: TransactionOptions,
  ): Promise<T>;
  /** Runs `work` in one transaction as `service_role` (bypasses RLS). */
  withServiceRole<T>(work: Work<T>, options?: TransactionOptions): Promise<T>;
  /** Runs `work` in one transaction as the connection's own role. */
  withOwner<T>(work: Work<T>, options?: TransactionOptions): Promise<T>;
  /** Closes the pool, letting running queries finish for `timeout` seconds (default 5). */
  close(options?: { timeout?: number }): Promise<void>;
}

const SEARCH_PATH = "public, extensions";
const API_ROLES: readonly Role[] = ["anon", "authenticated", "service_role"];

/**
 * Creates a database with its own pool. Nothing connects before the first query.
 *
 * @example
 * ```ts
 * const db = createDb({ url: "postgresql://postgres:postgres@127.0.0.1:54322/postgres" });
 * const rows = await db.withServiceRole((sql) => sql`select count(*)::int as n from public.academies`);
 * await db.close();
 * ```
 */
export function createDb(options: DbOptions = {}): Db {
  const url = options.url ?? getConfig().dbUrl;
  const sql = postgres(url, {
    max: options.max ?? getConfig().dbPoolMax,
    connect_timeout: options.connectTimeout ?? 5,
    idle_timeout: options.idleTimeout ?? 30,
    prepare: options.prepare ?? !isTransactionPooler(url),
    connection: { application_name: "examsync-functions" },
  });
  let roleSettings: Promise<RoleSettings> | undefined;

  function settingsOf(role: Role): Promise<Setting[]> {
    roleSettings ??= loadRoleSettings(sql).catch((error) => {
      roleSettings = undefined;
      throw error;
    });
    return roleSettings.then((all) => all.get(role) ?? []);
  }

  async function asRole<T>(
    role: Role,
    request: RequestSettings,
    work: Work<T>,
    readOnly: boolean,
  ): Promise<T> {
    try {
      const settings = await settingsOf(role);
      return await transaction(readOnly, async (tx) => {
        await tx`
          select
            set_config('search_path', ${SEARCH_PATH}, true),
            set_config('role', ${role}, true),
            set_config('request.jwt.claims', ${request.claims}, true),
            set_config('request.method', ${request.method}, true),
            set_config('request.path', ${request.path}, true),
            set_config('request.headers', ${request.headers}, true),
            set_config('request.cookies', ${request.cookies}, true),
            (
              select count(set_config(s.name, s.value, true))
              from unnest(${settings.map((s) => s.name)}::text[], ${
          settings.map((s) => s.value)
        }::text[])
                as s (name, value)
            )
        `;
        return await work(tx);
      });
    } catch (error) {
      throw tagErrorRole(error, role);
    }
  }

  function withUser<T>(
    claims: JwtClaims,
    request: Request,
    work: Work<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const readOnly = options.readOnly ?? (request.method === "GET" || request.method === "HEAD");
    return asRole(claims.role, requestSettings(claims, request), work, readOnly);
  }

  function withServiceRole<T>(work: Work<T>, options: TransactionOptions = {}): Promise<T> {
    const settings: RequestSettings = {
      claims: JSON.stringify({ role: "service_role" }),
      method: "",
      path: "",
      headers: "{}",
      cookies: "{}",
    };
    return asRole("service_role", settings, work, options.readOnly ?? false);
  }

  function withOwner<T>(work: Work<T>, options: TransactionOptions = {}): Promise<T> {
    return transaction(options.readOnly ?? false, work);
  }

  /**
   * One transaction on a reserved connection. Not `sql.begin()`: under write
   * backpressure npm:postgres 3.4 can lose track of the connection a `begin`
   * went to and fail with UNSAFE_TRANSACTION (seen in the benchmark).
   */
  async function transaction<T>(readOnly: boolean, work: Work<T>): Promise<T> {
    const reserved = await sql.reserve();
    try {
      await reserved.unsafe(readOnly ? "begin read only" : "begin read write");
      const result = await work(reserved);
      await reserved.unsafe("commit");
      return result;
    } catch (error) {
      await reserved.unsafe("rollback").catch(() => {});
      throw error;
    } finally {
      reserved.release();
    }
  }

  function close(options: { timeout?: number } = {}): Promise<void> {
    return sql.end({ timeout: options.timeout ?? 5 });
  }

  return { sql, withUser, withServiceRole, withOwner, close };
}

let shared: Db | undefined;

/**
 * The instance's shared database, created on first use from `SUPABASE_DB_URL`.
 *
 * @example
 * ```ts
 * const [row] = await getDb().sql`select now() as now`;
 * ```
 */
export function getDb(): Db {
  shared ??= createDb();
  return shared;
}

/**
 * {@linkcode Db.withUser} on the shared database.
 *
 * @example
 * ```ts
 * const claims = await authenticate(request);
 * const academies = await withUser(claims, request, (sql) => sql`select id, name from public.academies`);
 * ```
 */
export function withUser<T>(
  claims: JwtClaims,
  request: Request,
  work: Work<T>,
  options?: TransactionOptions,
): Promise<T> {
  return getDb().withUser(claims, request, work, options);
}

/**
 * {@linkcode Db.withServiceRole} on the shared database.
 *
 * @example
 * ```ts
 * await withServiceRole((sql) => sql`delete from public.academy_members where academy_id = ${id}`);
 * ```
 */
export function withServiceRole<T>(work: Work<T>, options?: TransactionOptions): Promise<T> {
  return getDb().withServiceRole(work, options);
}

/**
 * {@linkcode Db.withOwner} on the shared database.
 *
 * @example
 * ```ts
 * const jobs = await withOwner((sql) => sql`select jobname from cron.job`, { readOnly: true });
 * ```
 */
export function withOwner<T>(work: Work<T>, options?: TransactionOptions): Promise<T> {
  return getDb().withOwner(work, options);
}

/**
 * Closes the shared database, if it was created (tests, shutdown).
 *
 * @example
 * ```ts
 * Deno.addSignalListener("SIGTERM", () => closeDb());
 * ```
 */
export async function closeDb(): Promise<void> {
  const db = shared;
  shared = undefined;
  await db?.close();
}

interface Setting {
  name: string;
  value: string;
}

type RoleSettings = Map<Role, Setting[]>;

interface RequestSettings {
  claims: string;
  method: string;
  path: string;
  headers: string;
  cookies: string;
}

function requestSettings(claims: JwtClaims, request: Request): RequestSettings {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
  return {
    claims: JSON.stringify(claims),
    method: request.method,
    path: new URL(request.url).pathname,
    headers: JSON.stringify(headers),
    cookies: JSON.stringify(parseCookies(request.headers.get("cookie"))),
  };
}

function parseCookies(header: string | null): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of header?.split(";") ?? []) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (name) cookies[name] = part.slice(at + 1).trim();
  }
  return cookies;
}

/**
 * Settings of the API roles (`alter role anon set statement_timeout = '3s'`)
 * that any role may set, database-specific ones overriding global ones. Read
 * once per pool, as PostgREST reads them once per schema cache load.
 */
async function loadRoleSettings(sql: Sql): Promise<RoleSettings> {
  const rows = await sql<{ role: Role; name: string; value: string }[]>`
    select r.rolname as role, split_part(c.setting, '=', 1) as name,
      substr(c.setting, strpos(c.setting, '=') + 1) as value
    from pg_catalog.pg_db_role_setting as s
    join pg_catalog.pg_roles as r on r.oid = s.setrole
    cross join lateral unnest(s.setconfig) as c (setting)
    join pg_catalog.pg_settings as p on p.name = split_part(c.setting, '=', 1)
    where r.rolname = any (${API_ROLES as Role[]}::text[])
      and s.setdatabase in (0, (select d.oid from pg_catalog.pg_database as d where d.datname = current_database()))
      and p.context = 'user'
    order by s.setdatabase
  `;
  const byRole = new Map<Role, Map<string, string>>();
  for (const row of rows) {
    const settings = byRole.get(row.role) ?? new Map<string, string>();
    settings.set(row.name, row.value);
    byRole.set(row.role, settings);
  }
  return new Map(
    [...byRole].map(([role, settings]) => [
      role,
      [...settings].map(([name, value]) => ({ name, value })),
    ]),
  );
}

function isTransactionPooler(url: string): boolean {
  try {
    return new URL(url).port === "6543";
  } catch {
    return false;
  }
}
