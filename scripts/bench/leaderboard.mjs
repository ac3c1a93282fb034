// `node scripts/bench/leaderboard.mjs`: leaderboard reads at scale and grading → event latency.
// A fresh cluster under .local/bench-leaderboard gets the bootstrap and the migrations, then
// one academy with BENCH_LB_STUDENTS students (default 100000) whose weekly and all-time
// entries and points counts are seeded directly (points 0–300), as grading would leave them.
//   1. get_my_rank('week') for random students and get_leaderboard('week', limit 50), each
//      BENCH_LB_READS times as that student (role authenticated and JWT claims, as PostgREST
//      sets them): p50/p95/p99 ms of the statement, measured at the client.
//   2. BENCH_LB_GRADINGS real gradings (start_attempt, apply_attempt_ops, submit_attempt as
//      the student) every BENCH_LB_GRADING_INTERVAL_MS ms while a listener on the outbox
//      channel waits for the leaderboard_updated event naming the student; a ticker calls
//      private.flush_leaderboard_events() every 100 ms, standing in for the one-second
//      pg_cron job of hosted Supabase (pg_cron 1.4 here schedules per minute only).
// Options: BENCH_LB_STUDENTS BENCH_LB_READS=2000 BENCH_LB_GRADINGS=200 BENCH_LB_GRADING_INTERVAL_MS=250 BENCH_LB_PORT=54352
import path from 'node:path';
import postgres from 'postgres';
import { LOCAL_DIR, localDbUrl } from '../lib/config.mjs';
import { cluster } from '../lib/cluster.mjs';
import { psql } from '../lib/database.mjs';
import { ensurePrerequisites } from '../lib/prerequisites.mjs';
import { buildDatabase } from '../lib/stack.mjs';
import { latencySummary } from './stats.mjs';

const setting = (name, fallback) => Number(process.env[name] ?? fallback);
const options = {
  students: setting('BENCH_LB_STUDENTS', 100000),
  reads: setting('BENCH_LB_READS', 2000),
  gradings: setting('BENCH_LB_GRADINGS', 200),
  gradingIntervalMs: setting('BENCH_LB_GRADING_INTERVAL_MS', 250),
  port: setting('BENCH_LB_PORT', 54352),
};
const ACADEMY = '00000000-0000-4000-8000-00000000a1b0';
const EXAM = '00000000-0000-4000-8000-00000000e1b0';

const SEED = `
insert into public.academies (id, name, slug) values ('${ACADEMY}', 'Bench Academy', 'bench-leaderboard');
insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
select ('00000000-0000-4000-9000-' || lpad(to_hex(n), 12, '0'))::uuid, 'authenticated', 'authenticated',
  'lb' || n || '@bench.example', jsonb_build_object('display_name', 'Student ' || n), now(), now()
from generate_series(1, :students) as n;
insert into public.academy_members (academy_id, user_id, role)
select '${ACADEMY}', ('00000000-0000-4000-9000-' || lpad(to_hex(n), 12, '0'))::uuid, 'student'
from generate_series(1, :students) as n;
insert into public.exams (id, academy_id, title, published, duration_seconds) values ('${EXAM}', '${ACADEMY}', 'Bench', true, 3600);
insert into public.exam_sections (id, exam_id, position, title) values ('00000000-0000-4000-8000-00000000e1b1', '${EXAM}', 0, 'Only');
insert into public.questions (id, exam_id, section_id, position, type, prompt, points)
values ('00000000-0000-4000-8000-00000000e1b2', '${EXAM}', '00000000-0000-4000-8000-00000000e1b1', 0, 'true_false', 'True?', 5);
insert into private.question_keys (question_id, correct) values ('00000000-0000-4000-8000-00000000e1b2', 'true');
insert into public.leaderboard_entries (academy_id, period, period_start, user_id, points, exams_counted)
select '${ACADEMY}', p.period, private.leaderboard_period_start(p.period, now(), 'UTC'),
  ('00000000-0000-4000-9000-' || lpad(to_hex(n), 12, '0'))::uuid, floor(random() * 301), 3
from generate_series(1, :students) as n
cross join (values ('week'::public.leaderboard_period), ('all_time')) as p(period);
insert into private.leaderboard_point_counts (academy_id, period, period_start, scope, points, entries)
select academy_id, period, period_start, '', points, count(*) from public.leaderboard_entries group by 1, 2, 3, 5;
vacuum analyze public.leaderboard_entries;
vacuum analyze private.leaderboard_point_counts;
`;

const studentId = (n) => `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`;
const claims = (id) => JSON.stringify({ sub: id, role: 'authenticated', aud: 'authenticated' });

/** Runs fn as the student inside a transaction and returns the statement's ms. */
async function timedAs(sql, id, statement) {
  return sql.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims(id)}, true)`;
    const started = performance.now();
    await statement(tx);
    return performance.now() - started;
  });
}

ensurePrerequisites();
const db = cluster({ dir: path.join(LOCAL_DIR, 'bench-leaderboard'), port: options.port });
const url = localDbUrl(options.port);
let sql;
let listener;
try {
  db.destroy();
  db.init();
  db.start();
  console.log(`# Building the database with ${options.students} students on the boards…`);
  buildDatabase({ url, superuserUrl: localDbUrl(options.port, 'supabase_admin') });
  psql(url, { sql: SEED.replaceAll(':students', String(options.students)) });
  sql = postgres(url, { max: 4, onnotice: () => {} });
  const pick = () => 1 + Math.floor(Math.random() * options.students);

  console.log(`# 1. ${options.reads} get_my_rank and ${options.reads} top-50 reads…`);
  for (let i = 0; i < 50; i++) await timedAs(sql, studentId(pick()), (tx) => tx`select * from public.get_my_rank('week')`);
  const rank = [];
  const top = [];
  for (let i = 0; i < options.reads; i++) {
    rank.push(await timedAs(sql, studentId(pick()), (tx) => tx`select * from public.get_my_rank('week')`));
    top.push(await timedAs(sql, studentId(pick()), (tx) => tx`select * from public.get_leaderboard('week', null, 50)`));
  }

  console.log(`# 2. ${options.gradings} gradings, one every ${options.gradingIntervalMs} ms, to leaderboard_updated…`);
  const waiting = new Map();
  const latencies = [];
  listener = postgres(url, { max: 2, onnotice: () => {} });
  await listener.listen('examsync_outbox', async (raw) => {
    const notice = JSON.parse(raw);
    if (notice.topic !== `leaderboard:${ACADEMY}`) return;
    const arrived = performance.now();
    const [row] = await listener`select payload from public.outbox_events where id = ${notice.id}`;
    if (!row || row.payload.period !== 'week') return;
    for (const entry of row.payload.entries) {
      const committedAt = waiting.get(entry.user_id);
      if (committedAt !== undefined) {
        latencies.push(arrived - committedAt);
        waiting.delete(entry.user_id);
      }
    }
  });
  const ticker = setInterval(() => sql`select private.flush_leaderboard_events()`.catch(() => {}), 100);
  const graders = [];
  for (let i = 0; i < options.gradings; i++) {
    const id = studentId(i + 1);
    graders.push((async () => {
      await sql.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims(id)}, true)`;
        const [attempt] = await tx`select id from public.start_attempt(${EXAM}, 'practice')`;
        await tx`select public.apply_attempt_ops(${attempt.id}, ${tx.json([{ op_id: crypto.randomUUID(), type: 'answer',
          question_id: '00000000-0000-4000-8000-00000000e1b2', value: true, base_version: 0 }])})`;
        await tx`select public.submit_attempt(${attempt.id})`;
      });
      waiting.set(id, performance.now());
    })());
    await new Promise((resolve) => setTimeout(resolve, options.gradingIntervalMs));
  }
  await Promise.all(graders);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  clearInterval(ticker);

  console.log(JSON.stringify({
    students: options.students,
    getMyRankMs: latencySummary(rank),
    top50Ms: latencySummary(top),
    gradingToEventMs: { ...latencySummary(latencies), delivered: latencies.length, missing: waiting.size },
  }, null, 2));
} finally {
  await listener?.end();
  await sql?.end();
  db.stop();
}
