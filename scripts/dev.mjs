// `npm run dev`: the local stack with demo data. Installs what is missing, opens (or
// builds) the database, regenerates the types, serves the edge functions, prints what a
// client developer needs, and stops everything it started on Ctrl-C.
import { DEV_JWT_SECRET, DEV_PORTS, apiUrl } from './lib/config.mjs';
import { DEMO_USERS } from './lib/demo-users.mjs';
import { devCluster, openDevDatabase } from './lib/dev-database.mjs';
import { mintToken } from './lib/jwt.mjs';
import { ensurePrerequisites } from './lib/prerequisites.mjs';
import { superviseFunctions, writeDatabaseTypes } from './lib/stack.mjs';

ensurePrerequisites();
const database = openDevDatabase();
writeDatabaseTypes(database.url);
// A functions server that exits (a crash, a kill) is started again; the database stays up.
const functions = await superviseFunctions({
  port: DEV_PORTS.api,
  dbUrl: database.url,
  quiet: false,
  onRestart: ({ code, signal, restartMs }) =>
    console.error(`The functions server exited (${signal ?? `code ${code}`}); serving again after ${restartMs} ms`),
});

const api = apiUrl(DEV_PORTS.api);
const tokens = DEMO_USERS.map((user) =>
  `  ${user.key.padEnd(9)} ${user.email.padEnd(26)} ${mintToken({ role: 'authenticated', sub: user.id, email: user.email, expiresInSeconds: 7 * 24 * 3600 })}`);
console.log(`
examsync local stack is running${database.created ? ' (new database with demo data)' : ''}

  API URL          ${api}
  Functions        ${api}/functions/v1/<name>   (try ${api}/functions/v1/health)
  DB URL           ${database.url}
  JWT secret       ${DEV_JWT_SECRET}
  anon key         ${mintToken({ role: 'anon', expiresInSeconds: 10 * 365 * 24 * 3600 })}
  service_role key ${mintToken({ role: 'service_role', expiresInSeconds: 10 * 365 * 24 * 3600 })}

Access tokens of the demo users (valid 7 days; password "password"):
${tokens.join('\n')}

Press Ctrl-C to stop.`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await functions.stop();
  if (database.startedCluster) devCluster.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
