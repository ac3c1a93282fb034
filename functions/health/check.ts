/**
 * The health check: database reachable, latest migration, and for the
 * service role, cron jobs and row counts.
 *
 * @module
 */

import { type Db, getDb } from "../_shared/db.ts";
import { isConnectionError, isPostgresError } from "../_shared/errors.ts";
import { json, serveHandler } from "../_shared/http.ts";
import { getBearerToken, type JwtKeys, verifyJwt } from "../_shared/jwt.ts";

/** What `GET /health` answers with 200. */
export interface HealthReport {
  status: "ok";
  database: "ok";
  /** Latest applied migration version, `null` when none is recorded. */
  migration: string | null;
  /** Only for the service role. */
  details?: HealthDetails;
}

/** What the service role also sees. */
export interface HealthDetails {
  /** pg_cron jobs, `null` when pg_cron is not installed. */
  cron_jobs: { jobname: string | null; schedule: string; active: boolean }[] | null;
  counts: { academies: number; academy_members: number; profiles: number };
}

/** What `GET /health` answers with 503. */
export interface HealthFailure {
  status: "error";
  database: "unreachable";
  code: "database_unreachable";
  message: string;
}

/** Options of {@linkcode createHealthHandler}. */
export interface HealthOptions {
  /** Database to check; defaults to the shared one of `SUPABASE_DB_URL`. */
  db?: Db;
  /** Keys verifying a service-role token; default from the environment. */
  keys?: JwtKeys;
  /** Milliseconds the database has to answer before 503; default 3000. */
  timeoutMs?: number;
}

/**
 * Creates the health handler (GET and HEAD). A valid service-role bearer
 * token adds `details`; any other token, valid or not, gets the basic answer.
 *
 * @example
 * ```ts
 * const db = createDb({ url: "postgresql://postgres:postgres@127.0.0.1:1/postgres" });
 * const response = await createHealthHandler({ db })(new Request("http://localhost/health"));
 * response.status; // 503
 * ```
 */
export function createHealthHandler(
  options: HealthOptions = {},
): (request: Request) => Promise<Response> {
  const timeoutMs = options.timeoutMs ?? 3000;
  return serveHandler(async (request) => {
    const details = await isServiceRole(request, options.keys);
    const db = options.db ?? getDb();
    try {
      return json(await withTimeout(checkDatabase(db, { details }), timeoutMs));
    } catch (error) {
      console.error("health: database check failed:", error);
      const failure: HealthFailure = {
        status: "error",
        database: "unreachable",
        code: "database_unreachable",
        message: describeFailure(error),
      };
      return json(failure, { status: 503, headers: { "retry-after": "5" } });
    }
  }, { methods: ["GET", "HEAD"] });
}

/**
 * Queries the database for the report.
 *
 * @example
 * ```ts
 * const report = await checkDatabase(getDb(), { details: false });
 * report.migration; // "20261122110000"
 * ```
 */
export async function checkDatabase(db: Db, options: { details: boolean }): Promise<HealthReport> {
  const migration = await latestMigration(db);
  const report: HealthReport = { status: "ok", database: "ok", migration };
  if (options.details) {
    const [cronJobs, counts] = await Promise.all([readCronJobs(db), readCounts(db)]);
    report.details = { cron_jobs: cronJobs, counts };
  }
  return report;
}

async function isServiceRole(request: Request, keys: JwtKeys | undefined): Promise<boolean> {
  try {
    const token = getBearerToken(request);
    if (token === undefined) return false;
    return (await verifyJwt(token, { keys })).role === "service_role";
  } catch {
    return false; // health answers everyone; a bad token only loses the details
  }
}

async function latestMigration(db: Db): Promise<string | null> {
  try {
    const [row] = await db.sql<{ version: string | null }[]>`
      select max(version) as version from supabase_migrations.schema_migrations
    `;
    return row?.version ?? null;
  } catch (error) {
    if (!isMissingRelation(error)) throw error;
    await db.sql`select 1`;
    return null;
  }
}

async function readCronJobs(db: Db): Promise<HealthDetails["cron_jobs"]> {
  try {
    const rows = await db.sql<{ jobname: string | null; schedule: string; active: boolean }[]>`
      select jobname, schedule, active from cron.job order by jobname
    `;
    return rows.map(({ jobname, schedule, active }) => ({ jobname, schedule, active }));
  } catch (error) {
    if (isMissingRelation(error)) return null;
    throw error;
  }
}

async function readCounts(db: Db): Promise<HealthDetails["counts"]> {
  const [row] = await db.sql<HealthDetails["counts"][]>`
    select
      (select count(*) from public.academies)::int as academies,
      (select count(*) from public.academy_members)::int as academy_members,
      (select count(*) from public.profiles)::int as profiles
  `;
  if (row === undefined) throw new Error("Cannot count rows: no row returned");
  return { academies: row.academies, academy_members: row.academy_members, profiles: row.profiles };
}

function isMissingRelation(error: unknown): boolean {
  return isPostgresError(error) && (error.code === "42P01" || error.code === "3F000");
}

class TimeoutError extends Error {
  override name = "TimeoutError";
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof TimeoutError) return `Cannot reach the database: ${error.message}`;
  if (isConnectionError(error)) {
    const code = (error as { code: string }).code;
    return `Cannot reach the database: connection failed (${code})`;
  }
  if (isPostgresError(error)) return `Cannot query the database: SQLSTATE ${error.code}`;
  return "Cannot reach the database";
}
