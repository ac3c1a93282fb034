/**
 * Database access with node-postgres (`npm:pg`), the client Supabase's own tools
 * use. A user's work runs in one transaction set up exactly as PostgREST sets up
 * a request, so RLS applies as for `supabase.rpc()`; service-role and owner
 * access are separate, named helpers.
 *
 * Faults are normal here: a connection that dies (a terminated backend, a
 * restarting server) is destroyed, never handed out again, and the error it
 * caused becomes {@linkcode DatabaseUnavailableError} (503 with `Retry-After`).
 * Getting a connection has a deadline, so a request during an outage is told
 * so within seconds instead of waiting, and the pool serves again by itself as
 * soon as the database answers.
 *
 * @module
 */

// @ts-types="./pg.d.ts"
import pg, { type DatabaseError, type PoolClient } from "pg";
import { getConfig } from "./env.ts";
import { tagErrorRole } from "./errors.ts";
import type { JwtClaims, Role } from "./jwt.ts";

/** A row as the driver returns it. */
// deno-lint-ignore no-explicit-any
export type Row = Record<string, any>;

/**
 * Runs SQL: as a tagged template, every `${value}` is a parameter, never text,
 * except a nested `sql\`…\`` fragment. Rows come back as an array (`int8` and
 * `numeric` as strings, `json` parsed).
 */
export interface Sql {
  <T extends readonly unknown[] = Row[]>(
    strings: TemplateStringsArray,
    ...values: unknown[]
  ): Query<T>;
  /** Runs SQL text with `$1…` parameters. */
  unsafe<T extends readonly unknown[] = Row[]>(
    text: string,
    values?: readonly unknown[],
  ): Promise<Rows<T>>;
  /** A value sent as JSON text (arrays included, which would otherwise become Postgres arrays). */
  json(value: unknown): string;
}
/** The rows of a statement, and `count`: rows it returned or changed (`INSERT`, `UPDATE`, `DELETE`). */
export type Rows<T> = T & { readonly count: number };
/** The `sql` of one transaction. */
export type TransactionSql = Sql;
/** Work done inside a transaction. */
export type Work<T> = (sql: TransactionSql) => Promise<T>;

/** Options of {@linkcode createDb}. */
export interface DbOptions {
  /** Connection string; defaults to `SUPABASE_DB_URL`. */
  url?: string;
  /** Pool size; default `DB_POOL_MAX` (5). */
  max?: number;
  /**
   * Milliseconds to wait for a connection (a free one, or a new one to
   * connect) before answering {@linkcode DatabaseUnavailableError}; default 3000.
   */
  acquireTimeoutMs?: number;
  /** Milliseconds an idle connection is kept; default 30000. */
  idleTimeoutMs?: number;
  /** `application_name` of the connections; default `examsync-functions`. */
  applicationName?: string;
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
  /** Statements on the pool, connected as the URL's user (`postgres`): no RLS on owned tables. */
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
  /** Closes the pool once the connections in use are released. */
  close(): Promise<void>;
}

/**
 * The database cannot be reached, or a connection died under a statement: the
 * caller may retry (with the same op ids) once it is back. `code` is one that
 * `errors.ts` turns into 503 `database_unavailable`.
 */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  readonly code = "CONNECTION_CLOSED";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
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
  const pool = new pg.Pool({
    connectionString: options.url ?? getConfig().dbUrl,
    max: options.max ?? getConfig().dbPoolMax,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 3000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    application_name: options.applicationName ?? "examsync-functions",
    keepAlive: true,
  });
  // An idle connection that dies (server restart, terminated backend) is removed
  // by the pool; without a listener its 'error' event would end the process.
  pool.on("error", (error) => console.warn("database: an idle connection closed:", error.message));
  let roleSettings: Promise<RoleSettings> | undefined;

  /** A connection within the deadline, or DatabaseUnavailableError. */
  async function acquire(): Promise<PoolClient> {
    try {
      return await pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
  }

  /**
   * Lends a connection to `use` and takes it back; a connection that failed is
   * destroyed rather than reused. With `retryUnsent`, a connection error on the
   * first statement (a `begin`, which changes nothing) is retried once on
   * another connection: a pooled one may have died while idle unnoticed.
   */
  async function lend<T>(
    use: (client: PoolClient, sql: Sql) => Promise<T>,
    retryUnsent = false,
  ): Promise<T> {
    for (let attempt = 1;; attempt++) {
      const client = await acquire();
      const lease = leaseOf(client);
      try {
        return await use(client, lease.sql);
      } catch (error) {
        const unsent = lease.statements <= 1 && error instanceof DatabaseUnavailableError;
        if (retryUnsent && unsent && attempt === 1) continue;
        throw error;
      } finally {
        client.release(lease.broken());
      }
    }
  }

  const sql = sqlOf((text, values) => lend((_client, lent) => lent.unsafe(text, values)));

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

  /** One transaction on one connection; rolled back when `work` throws. */
  function transaction<T>(readOnly: boolean, work: Work<T>): Promise<T> {
    return lend(async (client, tx) => {
      await tx.unsafe(readOnly ? "begin read only" : "begin read write");
      try {
        const result = await work(tx);
        await tx.unsafe("commit");
        return result;
      } catch (error) {
        if (!(error instanceof DatabaseUnavailableError)) {
          await client.query("rollback").catch(() => {});
        }
        throw error;
      }
    }, true);
  }

  async function close(): Promise<void> {
    if (!pool.ended) await pool.end();
  }

  return { sql, withUser, withServiceRole, withOwner, close };
}

interface Lease {
  readonly sql: Sql;
  /** Statements sent so far. */
  readonly statements: number;
  /** The error that broke the connection, if one did: release() then destroys it. */
  broken(): Error | undefined;
}

/** What a borrower may do with a connection, and what became of it. */
function leaseOf(client: PoolClient): Lease {
  let statements = 0;
  let broken: Error | undefined;
  // A connection that dies between statements emits 'error' on the client.
  const onError = (error: Error) => broken ??= error;
  client.on("error", onError);
  const sql = sqlOf(async (text, values) => {
    statements++;
    try {
      const result = await client.query({ text, values: values as unknown[] });
      return Object.assign(result.rows, { count: result.rowCount ?? result.rows.length });
    } catch (error) {
      if (error instanceof pg.DatabaseError && !isFatal(error)) throw error;
      broken ??= error instanceof Error ? error : new Error(String(error));
      throw unavailable(error);
    }
  });
  return {
    sql,
    get statements() {
      return statements;
    },
    broken() {
      client.off("error", onError);
      return broken;
    },
  };
}

/** A server error after which the connection is gone (shutdown, termination, connection class). */
function isFatal(error: DatabaseError): boolean {
  return error.severity === "FATAL" || error.severity === "PANIC" ||
    error.code?.startsWith("08") === true ||
    error.code?.startsWith("57P") === true;
}

function unavailable(error: unknown): DatabaseUnavailableError {
  if (error instanceof DatabaseUnavailableError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DatabaseUnavailableError(`Cannot reach the database: ${reason}`, { cause: error });
}

/**
 * A statement written as a tagged template. Lazy, as npm:postgres' queries are: it runs
 * when awaited, and inside another template it is inlined as a fragment (its text in
 * place, its values as parameters of the outer statement).
 */
export class Query<T> implements Promise<Rows<T>> {
  readonly [Symbol.toStringTag] = "Query";
  #result?: Promise<Rows<T>>;

  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
    private readonly run: (text: string, values: readonly unknown[]) => Promise<Rows<Row[]>>,
  ) {}

  /** Runs the statement (once, however often awaited). */
  execute(): Promise<Rows<T>> {
    if (this.#result === undefined) {
      const values: unknown[] = [];
      this.#result = this.run(this.compile(values), values) as unknown as Promise<Rows<T>>;
    }
    return this.#result;
  }

  // deno-lint-ignore no-explicit-any
  then<A = Rows<T>, B = never>(
    onFulfilled?: ((rows: Rows<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.execute().then(onFulfilled, onRejected);
  }

  // deno-lint-ignore no-explicit-any
  catch<B = never>(
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<Rows<T> | B> {
    return this.execute().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<Rows<T>> {
    return this.execute().finally(onFinally);
  }

  /** The text with `$n` placeholders, pushing parameters to `values`. */
  private compile(values: unknown[]): string {
    let text = this.strings[0]!;
    this.values.forEach((value, i) => {
      if (value instanceof Query) text += value.compile(values);
      else text += `$${values.push(value)}`;
      text += this.strings[i + 1];
    });
    return text;
  }
}

/** A {@linkcode Sql} over a function that runs text with parameters. */
function sqlOf(run: (text: string, values: readonly unknown[]) => Promise<Rows<Row[]>>): Sql {
  const sql =
    (<T extends readonly unknown[]>(strings: TemplateStringsArray, ...values: unknown[]) =>
      new Query<T>(strings, values, run)) as Sql;
  sql.unsafe = <T extends readonly unknown[]>(text: string, values: readonly unknown[] = []) =>
    run(text, values) as unknown as Promise<Rows<T>>;
  sql.json = (value: unknown) => JSON.stringify(value);
  return sql;
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
