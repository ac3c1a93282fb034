// Installs what the local stack needs and a fresh machine lacks: Debian's Postgres
// extensions, pg_prove and Chromium, and the npm dependencies.
import fs from 'node:fs';
import path from 'node:path';
import { PG_BIN, ROOT } from './config.mjs';
import { run } from './run.mjs';

const DEBIAN_PACKAGES = [
  { name: 'postgresql-15-cron', present: '/usr/share/postgresql/15/extension/pg_cron.control' },
  { name: 'postgresql-15-pgtap', present: '/usr/share/postgresql/15/extension/pgtap.control' },
  { name: 'postgresql-15-plpgsql-check', present: '/usr/share/postgresql/15/extension/plpgsql_check.control' },
  { name: 'libtap-parser-sourcehandler-pgtap-perl', present: '/usr/bin/pg_prove' },
  // Headless browser of tests/browser (driven by puppeteer-core).
  { name: 'chromium', present: '/usr/bin/chromium' },
];

/** Installs missing Debian packages (as root) and npm dependencies. */
export function ensurePrerequisites() {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) {
    throw new Error(`Cannot find PostgreSQL 15 binaries in ${PG_BIN}: install postgresql-15 or set PG_BIN`);
  }
  const missing = DEBIAN_PACKAGES.filter((pkg) => !fs.existsSync(pkg.present)).map((pkg) => pkg.name);
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      throw new Error(`Cannot install ${missing.join(', ')}: run as root or install them with apt-get`);
    }
    console.log(`Installing ${missing.join(', ')} with apt-get…`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const lockfile = path.join(ROOT, 'package-lock.json');
  const installed = path.join(ROOT, 'node_modules/.package-lock.json');
  if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lockfile).mtimeMs) {
    console.log('Installing npm dependencies…');
    // Not `npm ci`: npm 11 leaves other platforms' optional packages (Deno's and the
    // Supabase CLI's binaries) out of the lock file and `npm ci` then refuses it.
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
}
