// `npm test`: every test against a throwaway database on ports of its own (so it runs
// beside `npm run dev`), leaving nothing running. In order: platform bootstrap and
// migrations through the real Supabase CLI, the seed, `db lint`, `db advisors`, the
// generated types, `deno check`, `tsc` of the typed sample client, pgTAP, Deno tests, the
// client SDK's build, vitest, and last the fault-injection tests. Ends with `N passed, N failed`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEV_JWT_SECRET, ROOT, TEST_PORTS, apiUrl, localDbUrl } from './lib/config.mjs';
import { cluster } from './lib/cluster.mjs';
import { generateTypes, loadSeed, psql, supabase, TYPES_FILE } from './lib/database.mjs';
import { ensurePrerequisites } from './lib/prerequisites.mjs';
import { npmBin, runStreaming } from './lib/run.mjs';
import { buildDatabase, formatTypeScript, startFunctions, stopProcess } from './lib/stack.mjs';
import { countTap, countDenoTest, countVitest } from './lib/test-counts.mjs';
import { generateSigningKey } from './lib/signing-key.mjs';

const totals = { passed: 0, failed: 0 };
/** @param {{ passed: number, failed: number }} counts */
function add({ passed, failed }) {
  totals.passed += passed;
  totals.failed += failed;
}

/** A named check that passes unless it throws. @param {string} name @param {() => void} body */
function check(name, body) {
  try {
    body();
    console.log(`ok - ${name}`);
    add({ passed: 1, failed: 0 });
  } catch (error) {
    console.log(`not ok - ${name}\n${String(error instanceof Error ? error.message : error).replace(/^/gm, '    ')}`);
    add({ passed: 0, failed: 1 });
  }
}

/** Counts a command that is one check: it passes when it exits 0. */
const byExitCode = (_output, code) => ({ passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 });

/** Runs a test command, echoing its output, and counts its results with `count`. */
async function suite(name, cmd, args, count, env = {}) {
  console.log(`\n# ${name}`);
  const lines = [];
  const code = await runStreaming(cmd, args, { env, onLine: (line) => { lines.push(line); console.log(line); } });
  const counts = count(lines.join('\n'), code);
  console.log(`# ${name}: ${counts.passed} passed, ${counts.failed} failed`);
  add(counts);
}

ensurePrerequisites();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'examsync-test-'));
const db = cluster({ dir, port: TEST_PORTS.db, durable: false });
const url = localDbUrl(TEST_PORTS.db);
const superuserUrl = localDbUrl(TEST_PORTS.db, 'supabase_admin');
const env = { SUPABASE_DB_URL: url, JWT_SECRET: DEV_JWT_SECRET, SUPABASE_URL: apiUrl(TEST_PORTS.api) };
let functions;
const cleanUp = async () => {
  await stopProcess(functions);
  db.destroy();
};
process.on('SIGINT', () => cleanUp().then(() => process.exit(130)));

try {
  console.log('# database');
  db.init();
  db.start();
  check('the platform bootstrap and every migration apply through the Supabase CLI', () =>
    buildDatabase({ url, superuserUrl }));
  check('supabase/seed.sql loads', () => loadSeed(url));
  check('supabase db lint finds no error or warning', () =>
    supabase(['db', 'lint', `--remote=${url}`, '--level', 'warning', '--fail-on', 'warning']));
  check('supabase db advisors reports nothing at WARN or ERROR', () => {
    const { stdout } = supabase(['db', 'advisors', `--remote=${url}`, '--level', 'warn', '--fail-on', 'warn']);
    if (stdout.trim().startsWith('[')) throw new Error(stdout);
  });
  check('types/database.types.ts matches supabase gen types', () => {
    const expected = formatTypeScript(generateTypes(url));
    // UPDATE_TYPES=1 rewrites the file first (a developer's shortcut; CI never sets it).
    if (process.env.UPDATE_TYPES === '1') fs.writeFileSync(TYPES_FILE, expected);
    const actual = fs.existsSync(TYPES_FILE) ? fs.readFileSync(TYPES_FILE, 'utf8') : '';
    if (actual !== expected) throw new Error('types/database.types.ts is stale: run `npm run types:gen`');
  });
  psql(superuserUrl, { file: path.join(ROOT, 'sql/tests/test_helpers.sql') });

  await suite('deno check', npmBin('deno'), ['check', '--config', 'functions/deno.json', 'functions/', 'scripts/serve-functions.ts', 'tests/functions/'],
    byExitCode);
  // The typed sample client compiles, and each deliberate mistake in tests/types/bad-client.ts
  // is a compile error (an unused `@ts-expect-error` fails tsc).
  await suite('tsc of the typed sample client', npmBin('tsc'), ['--noEmit', '-p', 'tests/types'],
    byExitCode);
  await suite('pgTAP', 'pg_prove', ['--ext', '.sql', '-v', '-r', '-h', '127.0.0.1', '-p', String(TEST_PORTS.db),
    '-U', 'postgres', '-d', 'postgres', 'tests/db/'], countTap, { PGPASSWORD: 'postgres' });
  await suite('Deno tests', npmBin('deno'), ['test', '--allow-all', '--config', 'functions/deno.json', 'tests/functions/'],
    countDenoTest, env);

  await suite('client SDK build (tsc -p client)', npmBin('tsc'), ['-p', 'client'],
    byExitCode);

  // The demo pages' SDK bundle, for the browser tests.
  await suite('demo bundle (esbuild)', process.execPath, ['scripts/build-demo.mjs'], byExitCode);

  // The Auth stand-in signs with a fresh ES256 key; vitest gets it to check signatures.
  const signingKey = generateSigningKey();
  env.AUTH_SIGNING_KEY = JSON.stringify(signingKey);
  functions = await startFunctions({ port: TEST_PORTS.api, dbUrl: url, signingKey, quiet: true });
  const report = path.join(dir, 'vitest.json');
  await suite('vitest', npmBin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    (_output, code) => countVitest(report, code), env);

  // Last: these stop and restart the database every suite above used.
  const faultReport = path.join(dir, 'vitest-faults.json');
  await suite('fault injection', npmBin('vitest'), ['run', '--config', 'tests/faults/vitest.config.mjs',
    '--reporter=default', '--reporter=json', `--outputFile.json=${faultReport}`],
  (_output, code) => countVitest(faultReport, code), { ...env, EXAMSYNC_TEST_DB_DIR: dir });
} catch (error) {
  console.error(error);
  add({ passed: 0, failed: 1 });
} finally {
  await cleanUp();
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
