// Building a database the way a Supabase project gets one: the platform bootstrap (only
// on plain Postgres), migrations through the real Supabase CLI, then the seed.
import fs from 'node:fs';
import path from 'node:path';
import { PG_BIN, ROOT } from './config.mjs';
import { npmBin, run } from './run.mjs';

/**
 * Runs SQL (a string or a file) with psql, stopping at the first error.
 * @param {string} url @param {{ sql?: string, file?: string, quiet?: boolean }} what
 */
export function psql(url, { sql, file }) {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', url];
  if (file) args.push('-f', file);
  return run(path.join(PG_BIN, 'psql'), args, { input: sql, env: { PGOPTIONS: '-c client_min_messages=warning' } })
    .stdout.trim();
}

/** True when the database already is a Supabase database (it has `auth.users`). @param {string} url */
export function isSupabaseDatabase(url) {
  return psql(url, { sql: "select to_regclass('auth.users') is not null" }) === 't';
}

/** Applies `sql/platform/*.sql` in order; `superuserUrl` connects as `supabase_admin`. @param {string} superuserUrl */
export function applyPlatformBootstrap(superuserUrl) {
  const dir = path.join(ROOT, 'sql/platform');
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.sql')).sort()) {
    psql(superuserUrl, { file: path.join(dir, file) });
  }
}

/** Runs the real Supabase CLI against a database URL. @param {string[]} args */
export function supabase(args, options = {}) {
  return run(npmBin('supabase'), args, { env: { SUPABASE_YES: '1', DO_NOT_TRACK: '1' }, ...options });
}

/** Applies pending `supabase/migrations` with `supabase migration up`. @param {string} url */
export function applyMigrations(url) {
  supabase(['migration', 'up', `--remote=${url}`, '--yes']);
}

/** Loads `supabase/seed.sql`. @param {string} url */
export function loadSeed(url) {
  psql(url, { file: path.join(ROOT, 'supabase/seed.sql') });
}

/** TypeScript types of the `public` schema as `supabase gen types` prints them now. @param {string} url */
export function generateTypes(url) {
  return supabase(['gen', 'types', `--remote=${url}`, '--lang', 'typescript', '--schema', 'public']).stdout;
}

export const TYPES_FILE = path.join(ROOT, 'types/database.types.ts');
