// `npm run bench`: measures examsync on this machine against a baseline measured in the
// same run on the same database. A fresh cluster under .local/bench gets the platform
// bootstrap, the migrations and sql/bench/seed.sql (N students with an open attempt), then:
//   1. `pgbench -N` (the baseline) and `apply_attempt_ops` with 10 answers called directly
//      through a pgbench script, each as TPS and as a ratio to the baseline;
//   2. N students saving a batch of 1–10 answers every INTERVAL ms through `attempt-sync`
//      while M SSE subscribers watch attempts through `attempt-events`: batches/s, latency
//      percentiles, errors, save-to-SSE delivery, and functions memory per open stream;
//   3. a live session of S students answering while T teacher dashboards stream the
//      session topic and poll get_session_dashboard;
//   4. a chat room of M members (the first M students and the teacher) with C SSE streams
//      open on its topic while members send R messages a second: `send_message` called
//      directly through a pgbench script (TPS and ratio to `pgbench -N`), then through the
//      REST stand-in with send-to-stream delivery on every stream.
//   5. the ai-tutor function against a local OpenAI-compatible stub: its overhead on time
//      to first token over the stub's own, and concurrent streams held.
// Options (environment): BENCH_STUDENTS=2000 BENCH_SUBSCRIBERS=500 BENCH_SECONDS=60
// BENCH_INTERVAL_MS=5000 BENCH_PGBENCH_SECONDS=20 BENCH_CLIENTS=8 BENCH_SESSION_STUDENTS=500
// BENCH_SESSION_TEACHERS=5 BENCH_SESSION_SECONDS=300 (BENCH_SESSION_STUDENTS=0 skips phase 3)
// BENCH_CHAT_MEMBERS=1000 BENCH_CHAT_STREAMS=200 BENCH_CHAT_RATE=50 BENCH_CHAT_SECONDS=60
// (BENCH_CHAT_MEMBERS=0 skips phase 4) BENCH_DB_PORT=54342 (the API takes the port below)
// BENCH_TUTOR_REQUESTS=300 BENCH_TUTOR_CONCURRENCY=10 BENCH_TUTOR_STREAMS=200
// (BENCH_TUTOR_REQUESTS=0 skips phase 5; BENCH_ONLY=tutor runs phase 5 alone)
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
import { runChatPhase } from './chat-phase.mjs';
import { runSessionPhase } from './session-phase.mjs';
import { runSyncPhase } from './sync-phase.mjs';
import { runTutorPhase, startTutorStub } from './tutor-phase.mjs';

const setting = (name, fallback) => Number(process.env[name] ?? fallback);
const options = {
  students: setting('BENCH_STUDENTS', 2000),
  subscribers: setting('BENCH_SUBSCRIBERS', 500),
  seconds: setting('BENCH_SECONDS', 60),
  intervalMs: setting('BENCH_INTERVAL_MS', 5000),
  pgbenchSeconds: setting('BENCH_PGBENCH_SECONDS', 20),
  clients: setting('BENCH_CLIENTS', 8),
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
  only: process.env.BENCH_ONLY ?? '',
};
const PORTS = { db: setting('BENCH_DB_PORT', 54342), api: setting('BENCH_DB_PORT', 54342) - 1 };
const BENCH_EXAM_ID = '00000000-0000-4000-8000-0000000bece1';
const BENCH_TEACHER_ID = '00000000-0000-4000-8000-0000000bec77';

/** TPS and average latency of a pgbench run. @param {string[]} args */
function pgbench(args) {
  const { stdout } = run(path.join(PG_BIN, 'pgbench'), ['-h', '127.0.0.1', '-p', String(PORTS.db), '-U', 'postgres',
    '-j', '2', '-c', String(options.clients), '-T', String(options.pgbenchSeconds), ...args, 'postgres'],
    { env: { PGPASSWORD: 'postgres' } });
  const tps = stdout.match(/tps = ([\d.]+)/);
  if (!tps) throw new Error(`Cannot read pgbench's TPS:\n${stdout}`);
  return { tps: Math.round(Number(tps[1])), latencyAverageMs: Number(stdout.match(/latency average = ([\d.]+) ms/)?.[1]) };
}

/** Resident memory of a process in KiB. @param {number} pid */
function rssKiB(pid) {
  return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1]);
}

ensurePrerequisites();
const db = cluster({ dir: path.join(LOCAL_DIR, 'bench'), port: PORTS.db });
const url = localDbUrl(PORTS.db);
const apiUrl = `http://127.0.0.1:${PORTS.api}`;
let functions;
let tutorStub;
try {
  db.destroy();
  db.init();
  db.start();
  console.log(`# Building the database with ${options.students} students…`);
  buildDatabase({ url, superuserUrl: localDbUrl(PORTS.db, 'supabase_admin') });
  run(path.join(PG_BIN, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `students=${options.students}`,
    '-f', 'sql/bench/seed.sql', url]);

  const all = options.only === '';
  console.log('# 1. pgbench -N (baseline) and apply_attempt_ops with 10 answers called directly…');
  let baseline = { tps: Number.NaN };
  let direct = { tps: Number.NaN };
  if (all) {
    run(path.join(PG_BIN, 'pgbench'), ['-i', '-q', '-s', '10', '-h', '127.0.0.1', '-p', String(PORTS.db), '-U', 'postgres',
      'postgres'], { env: { PGPASSWORD: 'postgres' } });
    baseline = pgbench(['-N']);
    direct = pgbench(['-n', '-f', 'scripts/bench/apply-ops.pgbench.sql', '-D', `students=${options.students}`]);
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

  console.log(`# 2. ${options.students} students through attempt-sync, ${options.subscribers} SSE subscribers, ${options.seconds} s…`);
  const sync = !all ? 'skipped' : await runSyncPhase({ apiUrl, students, subscribers: options.subscribers, seconds: options.seconds,
    intervalMs: options.intervalMs, functionsRssKiB: () => rssKiB(functions.pid) });

  console.log(`# 3. A live session of ${options.sessionStudents} students, ${options.sessionTeachers} teacher dashboards, ${options.sessionSeconds} s…`);
  const session = !all || options.sessionStudents === 0 ? 'skipped' : await runSessionPhase({ apiUrl, examId: BENCH_EXAM_ID,
    teacherToken: mintToken({ role: 'authenticated', sub: BENCH_TEACHER_ID, expiresInSeconds: 7200 }),
    students: students.slice(0, options.sessionStudents), teachers: options.sessionTeachers,
    seconds: options.sessionSeconds, intervalMs: options.intervalMs });

  const chatMembers = students.slice(0, Math.min(options.chatMembers, students.length));
  console.log(`# 4. A chat room of ${chatMembers.length} members, ${options.chatStreams} SSE streams, ${options.chatRate} messages/s, ${options.chatSeconds} s…`);
  let chat = 'skipped';
  if (all && chatMembers.length > 0) {
    const roomId = psql(url, { sql: `
      create table bench.chat_room as
        select gen_random_uuid() as room_id;
      grant select on bench.chat_room to authenticated;
      insert into public.chat_rooms (id, academy_id, kind, title, created_by)
        select room_id, '00000000-0000-4000-8000-0000000bec01', 'study_group', 'Bench room', '${BENCH_TEACHER_ID}'
        from bench.chat_room;
      insert into public.chat_room_members (room_id, user_id, role)
        select r.room_id, '${BENCH_TEACHER_ID}'::uuid, 'moderator'::public.chat_member_role from bench.chat_room as r
        union all
        select r.room_id, s.user_id, 'member' from bench.chat_room as r, bench.students as s where s.n <= ${chatMembers.length};
      select room_id from bench.chat_room;` }).split('\n').pop();
    const chatDirect = pgbench(['-n', '-f', 'scripts/bench/send-message.pgbench.sql', '-D', `members=${chatMembers.length}`]);
    psql(url, { sql: 'delete from private.rate_limits' });
    const streamed = await runChatPhase({ apiUrl, roomId, members: chatMembers, streams: Math.min(options.chatStreams,
      chatMembers.length), ratePerSecond: options.chatRate, seconds: options.chatSeconds });
    chat = {
      direct: {
        pgbenchNTps: baseline.tps,
        sendMessageTps: chatDirect.tps,
        ratio: Math.round((chatDirect.tps / baseline.tps) * 1000) / 1000,
        sendMessageLatencyAverageMs: chatDirect.latencyAverageMs,
      },
      ...streamed,
    };
  }

  console.log(`# 5. ai-tutor against a stub: ${options.tutorRequests} requests, ${options.tutorConcurrency} at a time; ${options.tutorStreams} streams at once…`);
  const tutor = options.tutorRequests === 0 ? 'skipped' : await runTutorPhase({ apiUrl, stub: tutorStub,
    students: students.slice(options.sessionStudents), requests: options.tutorRequests,
    concurrency: options.tutorConcurrency, streams: options.tutorStreams, functionsRssKiB: () => rssKiB(functions.pid) });

  const results = {
    machine: `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
    options,
    direct: {
      pgbenchNTps: baseline.tps,
      applyAttemptOpsTps: direct.tps,
      ratio: Math.round((direct.tps / baseline.tps) * 1000) / 1000,
      applyAttemptOpsLatencyAverageMs: direct.latencyAverageMs,
    },
    sync,
    session,
    chat,
    tutor,
  };
  fs.writeFileSync(path.join(LOCAL_DIR, 'bench-results.json'), JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
} finally {
  await stopProcess(functions);
  await tutorStub?.close();
  db.destroy();
}
