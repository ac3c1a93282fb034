// Which database `npm run dev` and `npm run db:reset` use: SUPABASE_DB_URL when set,
// else the private cluster under .local/ on port 54322.
import path from 'node:path';
import { DB_PASSWORD, DEV_PORTS, LOCAL_DIR, localDbUrl } from './config.mjs';
import { cluster } from './cluster.mjs';
import { isSupabaseDatabase } from './database.mjs';
import { buildDatabase } from './stack.mjs';

export const devCluster = cluster({ dir: path.join(LOCAL_DIR, 'db'), port: DEV_PORTS.db });

/** The URL of the `postgres` role on the server of `url`, as the app and migrations connect. @param {string} url */
function asPostgresRole(url) {
  const parsed = new URL(url);
  parsed.username = 'postgres';
  parsed.password = DB_PASSWORD;
  return parsed.toString();
}

/**
 * Opens the development database, building it when it is new.
 * @returns {{ url: string, startedCluster: boolean, created: boolean }}
 */
export function openDevDatabase() {
  const external = process.env.SUPABASE_DB_URL;
  if (external) {
    // A plain Postgres is bootstrapped through SUPABASE_DB_URL (a superuser then);
    // the app and migrations then connect as `postgres`, as on Supabase.
    const created = !isSupabaseDatabase(external);
    const url = created ? asPostgresRole(external) : external;
    buildDatabase({ url, superuserUrl: external, seed: created });
    return { url, startedCluster: false, created };
  }
  const created = !devCluster.exists();
  if (created) devCluster.init();
  const startedCluster = !devCluster.isRunning();
  devCluster.start();
  buildDatabase({
    url: localDbUrl(DEV_PORTS.db),
    superuserUrl: localDbUrl(DEV_PORTS.db, 'supabase_admin'),
    seed: created,
  });
  return { url: localDbUrl(DEV_PORTS.db), startedCluster, created };
}
