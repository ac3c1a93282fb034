// A private PostgreSQL 15 cluster made with the machine's own binaries, configured like
// the database of `supabase start`: 127.0.0.1 only, pg_cron preloaded, logical WAL.
// Postgres refuses to run as root, so as root every server command runs as the
// `postgres` system user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_PASSWORD, PG_BIN } from './config.mjs';
import { run } from './run.mjs';

const asRoot = process.getuid?.() === 0;

/** @param {string} binary @param {string[]} args */
function pg(binary, args, options = {}) {
  const cmd = path.join(PG_BIN, binary);
  return asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], options) : run(cmd, args, options);
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} target */
function giveToPostgres(target) {
  if (asRoot) run('chown', ['-R', 'postgres:postgres', target]);
}

/**
 * A cluster living in `dir` (data in `dir/data`, log in `dir/postgres.log`).
 * `durable: false` turns fsync off: for throwaway test clusters only.
 * @param {{ dir: string, port: number, durable?: boolean }} options
 */
export function cluster({ dir, port, durable = true }) {
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'postgres.log');

  return {
    data,
    log,
    exists: () => fs.existsSync(path.join(data, 'PG_VERSION')),

    /** Creates the cluster with `supabase_admin` as its superuser, as hosted Supabase has it. */
    init() {
      fs.mkdirSync(dir, { recursive: true });
      const pwfile = path.join(os.tmpdir(), `examsync-pw-${process.pid}`);
      fs.writeFileSync(pwfile, `${DB_PASSWORD}\n`);
      giveToPostgres(dir);
      giveToPostgres(pwfile);
      try {
        pg('initdb', ['-D', data, '-U', 'supabase_admin', `--pwfile=${pwfile}`, '--auth-host=scram-sha-256',
          '--auth-local=peer', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
      } finally {
        fs.rmSync(pwfile, { force: true });
      }
      fs.appendFileSync(path.join(data, 'postgresql.conf'), [
        '',
        '# examsync local stack',
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        'max_connections = 300',
        "shared_preload_libraries = 'pg_cron'",
        "cron.database_name = 'postgres'",
        'cron.use_background_workers = on',
        'max_worker_processes = 32',
        'wal_level = logical',
        "timezone = 'UTC'",
        "log_timezone = 'UTC'",
        ...(durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
        '',
      ].join('\n'));
    },

    isRunning() {
      return this.exists() && pg('pg_ctl', ['-D', data, 'status'], { allowFailure: true }).status === 0;
    },

    start() {
      if (this.isRunning()) return;
      fs.rmSync(log, { force: true });
      const result = pg('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start'], { allowFailure: true });
      if (result.status !== 0) {
        const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : '';
        throw new Error(`Cannot start Postgres on port ${port}:\n${result.stderr}${tail}`);
      }
    },

    /** Stops the server; `fast` (the default) rolls back open transactions and ends every connection. */
    stop(mode = 'fast') {
      if (this.isRunning()) pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    },

    /** `pg_ctl restart -m fast`: what an operator's restart does to open connections. */
    restart() {
      pg('pg_ctl', ['-D', data, '-l', log, '-m', 'fast', '-w', '-t', '60', 'restart']);
    },

    /**
     * kill -9 of the postmaster and every backend, as a crash of the database machine
     * would: the next start() runs crash recovery from the WAL.
     */
    kill() {
      const pidFile = path.join(data, 'postmaster.pid');
      if (!fs.existsSync(pidFile)) return;
      const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      const children = run('pgrep', ['-P', String(postmaster)], { allowFailure: true }).stdout
        .split('\n').filter(Boolean).map(Number);
      for (const pid of [postmaster, ...children]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const deadline = Date.now() + 10_000;
      while ([postmaster, ...children].some(isAlive) && Date.now() < deadline) {
        run('sleep', ['0.05']);
      }
    },

    destroy() {
      this.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
