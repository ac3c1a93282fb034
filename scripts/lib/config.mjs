// Fixed facts of the local stack: ports, credentials and paths, in one place.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LOCAL_DIR = path.join(ROOT, '.local');

/** Ports as `supabase start` uses them: API (here the functions server) and database. */
export const DEV_PORTS = { api: 54321, db: 54322 };
/**
 * `npm test` runs beside `npm run dev` on ports of its own; `EXAMSYNC_TEST_DB_PORT` moves
 * them (the API takes the port below it) so several test runs can share a machine. The
 * fault-injection tests restart this database under load, so its port lies below Linux's
 * ephemeral range (32768–60999): a client connection's source port can never take it
 * while the database is down.
 */
const testDbPort = Number(process.env.EXAMSYNC_TEST_DB_PORT ?? 26432);
export const TEST_PORTS = { api: testDbPort - 1, db: testDbPort };

/** `npm run chaos` kills and restarts its own cluster and functions server: below the ephemeral range too. */
export const CHAOS_PORTS = { api: 26421, db: 26422 };

/** The JWT secret of the local stack; the same default as `supabase start`. */
export const DEV_JWT_SECRET =
  process.env.SUPABASE_JWT_SECRET ?? 'super-secret-jwt-token-with-at-least-32-characters-long';

export const DB_PASSWORD = 'postgres';

/** @param {number} port @param {string} [user] */
export function localDbUrl(port, user = 'postgres') {
  return `postgresql://${user}:${DB_PASSWORD}@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/** @param {number} port */
export function apiUrl(port) {
  return `http://127.0.0.1:${port}`;
}

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
