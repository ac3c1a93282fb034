// The local stack: a database built as a Supabase project's is, and the edge functions
// served by the real Deno at /functions/v1/<name>.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEV_JWT_SECRET, ROOT, apiUrl } from './config.mjs';
import { applyMigrations, applyPlatformBootstrap, generateTypes, isSupabaseDatabase, loadSeed, TYPES_FILE } from './database.mjs';
import { npmBin, run } from './run.mjs';

/**
 * Brings a database up to date: the platform bootstrap when it is plain Postgres (needs
 * `superuserUrl`), pending migrations, and the seed when `seed` is true.
 * @param {{ url: string, superuserUrl?: string, seed?: boolean }} options
 */
export function buildDatabase({ url, superuserUrl, seed = false }) {
  // Before the bootstrap, the `postgres` role may not exist yet: ask as the superuser.
  if (!isSupabaseDatabase(superuserUrl ?? url)) {
    if (!superuserUrl) throw new Error('Cannot bootstrap: the database has no auth.users and no superuser URL was given');
    applyPlatformBootstrap(superuserUrl);
  }
  applyMigrations(url);
  if (seed) loadSeed(url);
}

/** Formats TypeScript with `deno fmt` so generated files read well and compare exactly. @param {string} source */
export function formatTypeScript(source) {
  return run(npmBin('deno'), ['fmt', '--ext', 'ts', '-'], { input: source }).stdout;
}

/** Writes `types/database.types.ts` from the database. @param {string} url */
export function writeDatabaseTypes(url) {
  fs.mkdirSync(path.dirname(TYPES_FILE), { recursive: true });
  fs.writeFileSync(TYPES_FILE, formatTypeScript(generateTypes(url)));
}

/**
 * Starts the functions server; resolves once it answers.
 * `signingKey` is the Auth stand-in's ES256 key (a fresh one per process when absent).
 * @param {{ port: number, dbUrl: string, jwtSecret?: string, signingKey?: object, quiet?: boolean,
 *   env?: Record<string, string> }} options
 */
export async function startFunctions({ port, dbUrl, jwtSecret = DEV_JWT_SECRET, signingKey, quiet = false, env = {} }) {
  const child = spawn(npmBin('deno'), ['run', '--allow-all', '--config', 'functions/deno.json',
    'scripts/serve-functions.ts'], {
    cwd: ROOT,
    env: { ...process.env, FUNCTIONS_PORT: String(port), SUPABASE_URL: apiUrl(port), SUPABASE_DB_URL: dbUrl,
      JWT_SECRET: jwtSecret, ...(signingKey ? { AUTH_SIGNING_KEY: JSON.stringify(signingKey) } : {}), ...env },
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The functions server exited with ${child.exitCode}`);
    try {
      await fetch(`${apiUrl(port)}/functions/v1/health`);
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill();
  throw new Error(`The functions server did not answer on port ${port}`);
}

/** Stops a child process and waits for it. @param {import('node:child_process').ChildProcess | undefined} child */
export async function stopProcess(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Keeps the functions server running: starts it, and starts it again at once whenever it
 * exits without being asked to (a crash, a kill), as a platform restarts a function
 * instance. The database and everything else stay up meanwhile.
 * @param {Parameters<typeof startFunctions>[0] & { onRestart?: (info: { code: number | null,
 *   signal: string | null, restartMs: number }) => void }} options
 */
export async function superviseFunctions({ onRestart = () => {}, ...options }) {
  let stopping = false;
  let child = await startFunctions(options);
  const supervisor = {
    restarts: 0,
    /** The server process running now. */
    get child() {
      return child;
    },
    async stop() {
      stopping = true;
      await stopProcess(child);
    },
  };
  const watch = (running) => running.once('exit', async (code, signal) => {
    if (stopping) return;
    const exitedAt = Date.now();
    for (;;) {
      try {
        child = await startFunctions(options);
        break;
      } catch (error) {
        console.error(`The functions server cannot start again (${error.message}); trying again in 1 s`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    supervisor.restarts += 1;
    onRestart({ code, signal, restartMs: Date.now() - exitedAt });
    watch(child);
  });
  watch(child);
  return supervisor;
}
