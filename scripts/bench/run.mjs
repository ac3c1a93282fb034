// `npm run bench`: measures examsync on this machine against baselines measured in the
// same run on the same database. A fresh durable cluster (synchronous_commit = on) under
// .local/bench gets the platform bootstrap, the migrations and sql/bench/seed.sql (N students
// with an open attempt), then:
//   1. direct, at 1, 4 and 16 clients: `pgbench -N` (the baseline), the floor (the least a
//      correct save writes, plain SQL: scripts/bench/floor.pgbench.sql) and apply_attempt_ops
//      with 10 answers as the student (scripts/bench/apply-ops.pgbench.sql); TPS and ratios;
//   2. memory per open SSE stream at 500 and 5,000 streams, of the functions and of a bare
//      Deno SSE server (scripts/bench/bare-sse.ts) in the same run;
//   3. a capacity curve: 500, 1,000, 2,000 and 4,000 students saving 1–10 answers every
//      INTERVAL ms through attempt-sync while M SSE subscribers watch their attempts:
//      batches/s, latency, errors, commit-to-SSE delivery, CPU seconds of Postgres, Deno and
//      the load generator (from /proc), and database bytes per batch by table;
//   4. a live session of S students answering while T teacher dashboards stream the session
//      topic and poll get_session_dashboard;
//   5. a chat room of M members with C SSE streams open on its topic while members send R
//      messages a second: `send_message` called directly through a pgbench script (TPS and
//      ratio to `pgbench -N`), then through the REST stand-in with send-to-stream delivery;
//   6. the ai-tutor function against a local OpenAI-compatible stub: its overhead on time
//      to first token over the stub's own, and concurrent streams held.
// It ends with one table of each figure, its goal and whether it is met, and writes
// .local/bench-results.json.
// Options (environment): BENCH_CURVE=500,1000,2000,4000 BENCH_SUBSCRIBERS=500 BENCH_SECONDS=60
// BENCH_INTERVAL_MS=5000 BENCH_PGBENCH_SECONDS=15 BENCH_DIRECT_CLIENTS=1,4,16
// BENCH_STREAMS=500,5000 BENCH_SESSION_STUDENTS=500 BENCH_SESSION_TEACHERS=5
// BENCH_SESSION_SECONDS=300 BENCH_CHAT_MEMBERS=1000 BENCH_CHAT_STREAMS=200 BENCH_CHAT_RATE=50
// BENCH_CHAT_SECONDS=60 BENCH_TUTOR_REQUESTS=300 BENCH_TUTOR_CONCURRENCY=10 BENCH_TUTOR_STREAMS=200
// (BENCH_STREAMS= skips phase 2; BENCH_SESSION_STUDENTS=0, BENCH_CHAT_MEMBERS=0 and
// BENCH_TUTOR_REQUESTS=0 skip phases 4, 5 and 6)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_DIR, PG_BIN, localDbUrl } from '../lib/config.mjs';
import { cluster } from '../lib/cluster.mjs';
import { psql } from '../lib/database.mjs';
import { mintToken } from '../lib/jwt.mjs';
import { ensurePrerequisites } from '../lib/prerequisites.mjs';
import { npmBin, run } from '../lib/run.mjs';
import { buildDatabase, startFunctions, stopProcess } from '../lib/stack.mjs';
import { cpuSeconds, postmasterPid, rssKiB } from './proc.mjs';
import { memoryPerStream } from './streams-phase.mjs';
import { createBenchRoom, runChatPhase } from './chat-phase.mjs';
import { runSessionPhase } from './session-phase.mjs';
import { runSyncPhase } from './sync-phase.mjs';
import { runTutorPhase, startTutorStub } from './tutor-phase.mjs';

const setting = (name, fallback) => Number(process.env[name] ?? fallback);
const list = (name, fallback) => (process.env[name] ?? fallback).split(',').filter(Boolean).map(Number);
const options = {
  curve: list('BENCH_CURVE', '500,1000,2000,4000'),
  subscribers: setting('BENCH_SUBSCRIBERS', 500),
  seconds: setting('BENCH_SECONDS', 60),
  intervalMs: setting('BENCH_INTERVAL_MS', 5000),
  pgbenchSeconds: setting('BENCH_PGBENCH_SECONDS', 15),
  directClients: list('BENCH_DIRECT_CLIENTS', '1,4,16'),
  streams: list('BENCH_STREAMS', '500,5000'),
  sessionStudents: setting('BENCH_SESSION_STUDENTS', 500),
  sessionTeachers: setting('BENCH_SESSION_TEACHERS', 5),
  sessionSeconds: setting('BENCH_SESSION_SECONDS', 300),
  chatMembers: setting('BENCH_CHAT_MEMBERS', 1000),
  chatStreams: setting('BENCH_CHAT_STREAMS', 200),
  chatRate: setting('BENCH_CHAT_RATE', 50),
  chatSeconds: setting('BENCH_CHAT_SECONDS', 60),
  tutorRequests: setting('BENCH_TUTOR_REQUESTS', 300),
  tutorConcurrency: setting('BENCH_TUTOR_CONCURRENCY', 10),
  tutorStreams: setting('BENCH_TUTOR_STREAMS', 200),
};
options.students = Math.max(...options.curve, ...options.streams, options.sessionStudents, 1);
const PORTS = { db: 54342, api: 54341, bare: 54343 };
const BENCH_EXAM_ID = '00000000-0000-4000-8000-0000000bece1';
const BENCH_TEACHER_ID = '00000000-0000-4000-8000-0000000bec77';

/** TPS and average latency of a pgbench run. @param {number} clients @param {string[]} args */
function pgbench(clients, args) {
  const { stdout } = run(path.join(PG_BIN, 'pgbench'), ['-h', '127.0.0.1', '-p', String(PORTS.db), '-U', 'postgres',
    '-j', String(Math.min(clients, 2)), '-c', String(clients), '-T', String(options.pgbenchSeconds), ...args, 'postgres'],
    { env: { PGPASSWORD: 'postgres' } });
  const tps = stdout.match(/tps = ([\d.]+)/);
  if (!tps) throw new Error(`Cannot read pgbench's TPS:\n${stdout}`);
  return { tps: Math.round(Number(tps[1])), latencyAverageMs: Number(stdout.match(/latency average = ([\d.]+) ms/)?.[1]) };
}

/** Bytes of every table (heap, indexes, toast) of the schemas a save writes. */
function tableBytes() {
  const rows = psql(url, { sql: `select n.nspname || '.' || c.relname, pg_total_relation_size(c.oid)
    from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private', 'realtime') and c.relkind = 'r'` }).split('\n');
  return Object.fromEntries(rows.filter(Boolean).map((row) => {
    const [name, bytes] = row.split('|');
    return [name.startsWith('realtime.messages') ? 'realtime.messages' : name, Number(bytes)];
  }).reduce((sum, [name, bytes]) => sum.set(name, (sum.get(name) ?? 0) + bytes), new Map()));
}

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

ensurePrerequisites();
const db = cluster({ dir: path.join(LOCAL_DIR, 'bench'), port: PORTS.db });
const url = localDbUrl(PORTS.db);
const apiUrl = `http://127.0.0.1:${PORTS.api}`;
let functions;
let tutorStub;
let bare;
try {
  db.destroy();
  db.init();
  db.start();
  console.log(`# Building the database with ${options.students} students…`);
  buildDatabase({ url, superuserUrl: localDbUrl(PORTS.db, 'supabase_admin') });
  run(path.join(PG_BIN, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `students=${options.students}`,
    '-f', 'sql/bench/seed.sql', url]);

  console.log(`# 1. direct at ${options.directClients.join(', ')} clients: pgbench -N, the floor, apply_attempt_ops (10 answers)…`);
  run(path.join(PG_BIN, 'pgbench'), ['-i', '-q', '-s', '10', '-h', '127.0.0.1', '-p', String(PORTS.db), '-U', 'postgres',
    'postgres'], { env: { PGPASSWORD: 'postgres' } });
  psql(url, { sql: 'show synchronous_commit' }) === 'on' || console.log('# warning: synchronous_commit is not on');
  const direct = [];
  for (const clients of options.directClients) {
    const baseline = pgbench(clients, ['-N']);
    const floor = pgbench(clients, ['-n', '-f', 'scripts/bench/floor.pgbench.sql', '-D', `students=${options.students}`]);
    const apply = pgbench(clients, ['-n', '-f', 'scripts/bench/apply-ops.pgbench.sql', '-D', `students=${options.students}`]);
    const row = { clients, pgbenchNTps: baseline.tps, floorTps: floor.tps, applyAttemptOpsTps: apply.tps,
      ratioToPgbenchN: round(apply.tps / baseline.tps, 3), ratioToFloor: round(apply.tps / floor.tps, 3),
      applyAttemptOpsLatencyAverageMs: apply.latencyAverageMs };
    console.log(`#   ${JSON.stringify(row)}`);
    direct.push(row);
  }

  const questionIds = psql(url, { sql: 'select question_id from bench.questions order by n' }).split('\n');
  const students = psql(url, { sql: 'select n, user_id, attempt_id from bench.students order by n' }).split('\n')
    .map((row) => {
      const [n, userId, attemptId] = row.split('|');
      return { n: Number(n), userId, attemptId, questionIds,
        token: mintToken({ role: 'authenticated', sub: userId, expiresInSeconds: 7200 }) };
    });
  tutorStub = await startTutorStub({ firstTokenDelayMs: 200, tokenDelayMs: 5, tokens: 20 });
  functions = await startFunctions({ port: PORTS.api, dbUrl: url, quiet: true, env: { DB_POOL_MAX: '20',
    AI_TUTOR_PROVIDER: 'openai-compatible', AI_TUTOR_COMPATIBLE_BASE_URL: tutorStub.baseUrl, AI_TUTOR_MODEL: 'bench' } });

  const streams = [];
  if (options.streams.length > 0) {
    console.log(`# 2. memory per open SSE stream at ${options.streams.join(', ')} streams, functions and a bare Deno server…`);
    bare = spawn(npmBin('deno'), ['run', '--allow-net', 'scripts/bench/bare-sse.ts', String(PORTS.bare)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => bare.stdout.once('data', resolve));
    for (const count of options.streams) {
      streams.push({
        streams: count,
        functionsKiBPerStream: await memoryPerStream(functions.pid, count, (i) => {
          const s = students[i % students.length];
          return `${apiUrl}/functions/v1/attempt-events?topic=attempt:${s.attemptId}&access_token=${s.token}`;
        }),
        bareDenoKiBPerStream: await memoryPerStream(bare.pid, count, () => `http://127.0.0.1:${PORTS.bare}/`),
      });
      console.log(`#   ${JSON.stringify(streams[streams.length - 1])}`);
    }
    await stopProcess(bare);
    bare = undefined;
  }

  console.log(`# 3. capacity curve at ${options.curve.join(', ')} students, ${options.subscribers} SSE subscribers, ${options.seconds} s each…`);
  const pgPid = postmasterPid(db.data);
  const curve = [];
  for (const count of options.curve) {
    const bytesBefore = tableBytes();
    const cpuBefore = { postgres: cpuSeconds(pgPid), deno: cpuSeconds(functions.pid), load: cpuSeconds('self') };
    const sync = await runSyncPhase({ apiUrl, students: students.slice(0, count), subscribers: Math.min(options.subscribers, count),
      seconds: options.seconds, intervalMs: options.intervalMs, functionsRssKiB: () => rssKiB(functions.pid) });
    const cpu = {
      postgres: round(cpuSeconds(pgPid) - cpuBefore.postgres, 2),
      deno: round(cpuSeconds(functions.pid) - cpuBefore.deno, 2),
      load: round(cpuSeconds('self') - cpuBefore.load, 2),
    };
    psql(localDbUrl(PORTS.db, 'supabase_admin'), { sql: 'checkpoint' });
    const bytesAfter = tableBytes();
    const batches = sync.latencyMs.count;
    const growth = Object.fromEntries(Object.entries(bytesAfter)
      .map(([name, bytes]) => [name, round((bytes - (bytesBefore[name] ?? 0)) / Math.max(1, batches), 0)])
      .filter(([, perBatch]) => perBatch !== 0).sort((a, b) => b[1] - a[1]));
    const bytesPerBatch = Object.values(growth).reduce((a, b) => a + b, 0);
    const step = { students: count, ...sync, cpuSeconds: cpu,
      cpuMsPerBatch: { postgres: round((cpu.postgres * 1000) / Math.max(1, batches)), deno: round((cpu.deno * 1000) / Math.max(1, batches)) },
      bytesPerBatch, bytesPerBatchByTable: growth };
    console.log(`#   ${count} students: ${sync.batchesPerSecond} batches/s, p50/p99 ${sync.latencyMs.p50}/${sync.latencyMs.p99} ms, ` +
      `${sync.errors} errors, commit-to-SSE p99 ${sync.commitToSseDeliveryMs.p99} ms, CPU s ${JSON.stringify(cpu)}, ${bytesPerBatch} B/batch`);
    curve.push(step);
  }

  console.log(`# 4. A live session of ${options.sessionStudents} students, ${options.sessionTeachers} teacher dashboards, ${options.sessionSeconds} s…`);
  const session = options.sessionStudents === 0 ? 'skipped' : await runSessionPhase({ apiUrl, examId: BENCH_EXAM_ID,
    teacherToken: mintToken({ role: 'authenticated', sub: BENCH_TEACHER_ID, expiresInSeconds: 7200 }),
    students: students.slice(0, options.sessionStudents), teachers: options.sessionTeachers,
    seconds: options.sessionSeconds, intervalMs: options.intervalMs });

  const top = direct[direct.length - 1];
  const chatMembers = students.slice(0, Math.min(options.chatMembers, students.length));
  let chat = 'skipped';
  if (chatMembers.length > 0) {
    console.log(`# 5. A chat room of ${chatMembers.length} members, ${options.chatStreams} SSE streams, ${options.chatRate} messages/s, ${options.chatSeconds} s…`);
    const roomId = createBenchRoom(url, { teacherId: BENCH_TEACHER_ID, members: chatMembers.length });
    const sendMessage = pgbench(top.clients, ['-n', '-f', 'scripts/bench/send-message.pgbench.sql', '-D', `members=${chatMembers.length}`]);
    psql(url, { sql: 'delete from private.rate_limits' });
    chat = {
      direct: { clients: top.clients, pgbenchNTps: top.pgbenchNTps, sendMessageTps: sendMessage.tps,
        ratio: round(sendMessage.tps / top.pgbenchNTps, 3), sendMessageLatencyAverageMs: sendMessage.latencyAverageMs },
      ...await runChatPhase({ apiUrl, roomId, members: chatMembers, streams: Math.min(options.chatStreams, chatMembers.length),
        ratePerSecond: options.chatRate, seconds: options.chatSeconds }),
    };
  }

  let tutor = 'skipped';
  if (options.tutorRequests > 0) {
    console.log(`# 6. ai-tutor against a stub: ${options.tutorRequests} requests, ${options.tutorConcurrency} at a time; ${options.tutorStreams} streams at once…`);
    tutor = await runTutorPhase({ apiUrl, stub: tutorStub, students: students.slice(options.sessionStudents),
      requests: options.tutorRequests, concurrency: options.tutorConcurrency, streams: options.tutorStreams,
      functionsRssKiB: () => rssKiB(functions.pid) });
  }

  const at2000 = curve.find((step) => step.students === 2000) ?? curve[curve.length - 1];
  const goals = [
    [`apply_attempt_ops ÷ pgbench -N (${top?.clients} clients)`, top?.ratioToPgbenchN, '≥ 0.3 (aim 0.5)', (v) => v >= 0.3],
    [`apply_attempt_ops ÷ floor (${top?.clients} clients)`, top?.ratioToFloor, '≥ 0.8', (v) => v >= 0.8],
    [`attempt-sync batches/s at ${at2000?.students} students`, at2000?.batchesPerSecond, `≥ ${round((at2000?.students ?? 0) * 1000 / options.intervalMs * 0.98, 0)}`,
      (v) => v >= (at2000.students * 1000 / options.intervalMs) * 0.98],
    [`attempt-sync p99 ms at ${at2000?.students} students`, at2000?.latencyMs.p99, '≤ 50', (v) => v <= 50],
    [`attempt-sync errors at ${at2000?.students} students`, at2000?.errors, '0', (v) => v === 0],
    [`commit → SSE p99 ms at ${at2000?.students} students`, at2000?.commitToSseDeliveryMs.p99, '≤ 100', (v) => v <= 100],
    ...streams.map((row) => [`functions KiB per SSE stream at ${row.streams} (bare Deno ${row.bareDenoKiBPerStream})`,
      row.functionsKiBPerStream, '≤ 50', (v) => v <= 50]),
    ['get_session_dashboard p99 ms', session === 'skipped' ? undefined : session.dashboardRpcMs.p99, '≤ 50', (v) => v <= 50],
    [`database bytes per batch at ${at2000?.students} students`, at2000?.bytesPerBatch, '≤ 2,500', (v) => v <= 2500],
    ['chat send → stream delivery p99 ms', chat === 'skipped' ? undefined : chat.sendToStreamMs.p99, '≤ 100', (v) => v <= 100],
    ['ai-tutor overhead on time to first token, p99 ms', tutor === 'skipped' ? undefined : tutor.overheadP99Ms, '≤ 50',
      (v) => v <= 50],
  ].map(([figure, value, goal, met]) => ({ figure, value, goal, met: value === undefined ? 'not measured' : met(value) ? 'yes' : 'no' }));

  const results = {
    machine: `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg(),
    pinning: 'none: with 2 cores, pinning the load generator to one would leave Postgres and Deno one core',
    options,
    direct,
    streams,
    curve,
    session,
    chat,
    tutor,
    goals,
  };
  fs.writeFileSync(path.join(LOCAL_DIR, 'bench-results.json'), JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  console.log('\n| figure | value | goal | met |\n|---|---|---|---|');
  for (const row of goals) console.log(`| ${row.figure} | ${row.value} | ${row.goal} | ${row.met} |`);
} finally {
  await stopProcess(bare);
  await stopProcess(functions);
  await tutorStub?.close();
  db.destroy();
}
