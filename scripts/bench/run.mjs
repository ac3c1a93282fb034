// `npm run bench`: measures examsync on this machine against a baseline measured in the
// same run on the same database. A fresh cluster under .local/bench gets the platform
// bootstrap, the migrations and sql/bench/seed.sql (N students with an open attempt), then:
//   1. `pgbench -N` (the baseline) and `apply_attempt_ops` with 10 answers called directly
//      through a pgbench script, each as TPS and as a ratio to the baseline;
//   2. N students saving a batch of 1–10 answers every INTERVAL ms through `attempt-sync`
//      while M SSE subscribers watch attempts through `attempt-events`: batches/s, latency
//      percentiles, errors, request-to-SSE delivery, and functions memory per open stream.
// Options (environment): BENCH_STUDENTS=2000 BENCH_SUBSCRIBERS=500 BENCH_SECONDS=60
// BENCH_INTERVAL_MS=5000 BENCH_PGBENCH_SECONDS=20 BENCH_CLIENTS=8
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_DIR, PG_BIN, localDbUrl } from '../lib/config.mjs';
import { cluster } from '../lib/cluster.mjs';
import { psql } from '../lib/database.mjs';
import { mintToken } from '../lib/jwt.mjs';
import { ensurePrerequisites } from '../lib/prerequisites.mjs';
import { run } from '../lib/run.mjs';
import { buildDatabase, startFunctions, stopProcess } from '../lib/stack.mjs';
import { runLoad } from './load.mjs';
import { latencySummary } from './stats.mjs';

const setting = (name, fallback) => Number(process.env[name] ?? fallback);
const options = {
  students: setting('BENCH_STUDENTS', 2000),
  subscribers: setting('BENCH_SUBSCRIBERS', 500),
  seconds: setting('BENCH_SECONDS', 60),
  intervalMs: setting('BENCH_INTERVAL_MS', 5000),
  pgbenchSeconds: setting('BENCH_PGBENCH_SECONDS', 20),
  clients: setting('BENCH_CLIENTS', 8),
};
const PORTS = { db: 54342, api: 54341 };

/** TPS of a pgbench run, from its report. @param {string[]} args */
function pgbench(args) {
  const { stdout } = run(path.join(PG_BIN, 'pgbench'), ['-h', '127.0.0.1', '-p', String(PORTS.db), '-U', 'postgres',
    '-j', '2', '-c', String(options.clients), '-T', String(options.pgbenchSeconds), ...args, 'postgres'],
    { env: { PGPASSWORD: 'postgres' } });
  const tps = stdout.match(/tps = ([\d.]+)/);
  if (!tps) throw new Error(`Cannot read pgbench's TPS:\n${stdout}`);
  const latency = stdout.match(/latency average = ([\d.]+) ms/);
  return { tps: Number(tps[1]), latencyAverageMs: latency ? Number(latency[1]) : null };
}

/** Resident memory of a process in KiB. @param {number} pid */
function rssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)[1]);
}

ensurePrerequisites();
const db = cluster({ dir: path.join(LOCAL_DIR, 'bench'), port: PORTS.db });
const url = localDbUrl(PORTS.db);
let functions;
try {
  db.destroy();
  db.init();
  db.start();
  console.log(`# Building the database with ${options.students} students…`);
  buildDatabase({ url, superuserUrl: localDbUrl(PORTS.db, 'supabase_admin') });
  run(path.join(PG_BIN, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `students=${options.students}`,
    '-f', 'sql/bench/seed.sql', url]);

  console.log('# pgbench -N (baseline) and apply_attempt_ops called directly…');
  run(path.join(PG_BIN, 'pgbench'), ['-i', '-q', '-s', '10', '-h', '127.0.0.1', '-p', String(PORTS.db), '-U', 'postgres',
    'postgres'], { env: { PGPASSWORD: 'postgres' } });
  const baseline = pgbench(['-N']);
  const direct = pgbench(['-n', '-f', 'scripts/bench/apply-ops.pgbench.sql', '-D', `students=${options.students}`]);

  console.log(`# ${options.students} students through attempt-sync, ${options.subscribers} SSE subscribers, ${options.seconds} s…`);
  const rows = psql(url, { sql: 'select n, user_id, attempt_id from bench.students order by n' }).split('\n');
  const questionIds = psql(url, { sql: 'select question_id from bench.questions order by n' }).split('\n');
  const students = rows.map((row) => {
    const [n, userId, attemptId] = row.split('|');
    return { n: Number(n), attemptId, questionIds, token: mintToken({ role: 'authenticated', sub: userId, expiresInSeconds: 3600 }) };
  });
  functions = await startFunctions({ port: PORTS.api, dbUrl: url, quiet: true, env: { DB_POOL_MAX: '20' } });
  await fetch(`http://127.0.0.1:${PORTS.api}/functions/v1/health`);
  const idleRss = rssKiB(functions.pid);
  let streamsRss = idleRss;
  const load = await runLoad({
    apiUrl: `http://127.0.0.1:${PORTS.api}`, students, subscribers: options.subscribers, seconds: options.seconds,
    intervalMs: options.intervalMs,
    afterStreamsOpen: async () => {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      streamsRss = rssKiB(functions.pid);
    },
  });

  const ratio = (tps) => Math.round((tps / baseline.tps) * 100) / 100;
  const results = {
    machine: `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
    options,
    pgbench: {
      baselineTps: baseline.tps,
      applyAttemptOpsTps: direct.tps,
      applyAttemptOpsRatio: ratio(direct.tps),
      applyAttemptOpsLatencyMs: direct.latencyAverageMs,
    },
    attemptSync: {
      batchesPerSecond: Math.round((load.batches / load.elapsedSeconds) * 10) / 10,
      latencyMs: latencySummary(load.latencyMs),
      errors: load.errors,
      errorCodes: load.errorCodes,
    },
    sse: {
      subscribers: options.subscribers,
      requestToDeliveryMs: latencySummary(load.deliveryMs),
      responseToDeliveryMs: latencySummary(load.afterResponseMs),
      functionsMemoryPerStreamKiB: Math.round(((streamsRss - idleRss) / Math.max(1, options.subscribers)) * 10) / 10,
      functionsRssKiB: { idle: idleRss, withStreams: streamsRss },
    },
  };
  fs.writeFileSync(path.join(LOCAL_DIR, 'bench-results.json'), JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
} finally {
  await stopProcess(functions);
  db.destroy();
}
