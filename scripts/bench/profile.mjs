// `npm run bench:profile`: where a save's time goes. A throwaway durable cluster under
// .local/profile (port BENCH_PROFILE_PORT, default 54344) with pg_stat_statements and the
// plpgsql_check profiler preloaded runs scripts/bench/apply-ops.pgbench.sql for
// BENCH_PGBENCH_SECONDS at BENCH_CLIENTS, then prints the statements that took the most
// time and plpgsql_check's per-statement profile of private.apply_attempt_ops. Then, at 1, 4
// and 16 clients, apply_attempt_ops TPS as it is and with a NOTIFY added to the outbox
// trigger (what the hub's delivery cost every save before the poll), synchronous_commit on.
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_DIR, PG_BIN, localDbUrl } from '../lib/config.mjs';
import { cluster } from '../lib/cluster.mjs';
import { psql } from '../lib/database.mjs';
import { run } from '../lib/run.mjs';
import { buildDatabase } from '../lib/stack.mjs';

const port = Number(process.env.BENCH_PROFILE_PORT ?? 54344);
const seconds = Number(process.env.BENCH_PGBENCH_SECONDS ?? 10);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const students = 500;
const db = cluster({ dir: path.join(LOCAL_DIR, 'profile'), port });
const url = localDbUrl(port);
const admin = localDbUrl(port, 'supabase_admin');
try {
  db.destroy();
  db.init();
  fs.appendFileSync(path.join(db.data, 'postgresql.conf'), [
    "shared_preload_libraries = 'pg_cron,pg_stat_statements,plpgsql_check'",
    'pg_stat_statements.track = all',
    'plpgsql_check.profiler = on',
    '',
  ].join('\n'));
  db.start();
  buildDatabase({ url, superuserUrl: admin });
  run(path.join(PG_BIN, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `students=${students}`,
    '-f', 'sql/bench/seed.sql', url]);
  psql(admin, { sql: 'set search_path = public, extensions; create extension if not exists pg_stat_statements; create extension if not exists plpgsql_check; select pg_stat_statements_reset(); select plpgsql_profiler_reset_all();' });
  const { stdout } = run(path.join(PG_BIN, 'pgbench'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-n',
    '-j', '2', '-c', String(clients), '-T', String(seconds), '-f', 'scripts/bench/apply-ops.pgbench.sql',
    '-D', `students=${students}`, 'postgres'], { env: { PGPASSWORD: 'postgres' } });
  console.log(stdout.match(/tps = .*/)?.[0]);
  console.log('\n# pg_stat_statements: top statements by total time (ms), calls, mean ms, rows');
  console.log(psql(admin, { sql: `set search_path = public, extensions; select round(total_exec_time::numeric, 1), calls, round(mean_exec_time::numeric, 3), rows,
    left(regexp_replace(query, '\\s+', ' ', 'g'), 140) from pg_stat_statements
    where query not ilike '%pg_stat_statements%' order by total_exec_time desc limit 25` }));
  console.log('\n# plpgsql_check profiler: private.apply_attempt_ops, statements by total time (ms)');
  console.log(psql(admin, { sql: `set search_path = public, extensions; select lineno, exec_stmts, round(total_time::numeric, 1), left(source, 110)
    from plpgsql_profiler_function_tb('private.apply_attempt_ops(uuid, jsonb, text)')
    where total_time > 0 order by total_time desc limit 20` }));

  /** @param {number} n */
  const tps = (n) => Math.round(Number(run(path.join(PG_BIN, 'pgbench'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres',
    '-n', '-j', String(Math.min(n, 2)), '-c', String(n), '-T', String(seconds), '-f', 'scripts/bench/apply-ops.pgbench.sql',
    '-D', `students=${students}`, 'postgres'], { env: { PGPASSWORD: 'postgres' } }).stdout.match(/tps = ([\d.]+)/)[1]));
  console.log('\n# apply_attempt_ops TPS without / with NOTIFY in the saving transaction (synchronous_commit on)');
  for (const n of [1, 4, 16]) {
    const without = tps(n);
    psql(admin, { sql: `create function private.bench_notify() returns trigger language plpgsql set search_path = '' as
      $f$ begin perform pg_catalog.pg_notify('examsync_outbox', json_build_object('id', new.id, 'topic', new.topic)::text); return null; end $f$;
      create trigger bench_notify after insert on public.outbox_events for each row execute function private.bench_notify();` });
    const withNotify = tps(n);
    psql(admin, { sql: 'drop trigger bench_notify on public.outbox_events; drop function private.bench_notify();' });
    console.log(`${n} clients: ${without} TPS without NOTIFY, ${withNotify} TPS with NOTIFY`);
  }
} finally {
  db.destroy();
}
