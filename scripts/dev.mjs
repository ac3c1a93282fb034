// `npm run dev`: the local stack with demo data. Installs what is missing, opens (or
// builds) the database, regenerates the types, serves the edge functions, prints what a
// client developer needs, and stops everything it started on Ctrl-C.
import path from 'node:path';
import { DEV_JWT_SECRET, DEV_PORTS, LOCAL_DIR, apiUrl } from './lib/config.mjs';
import { DEMO_EXAM_ID, DEMO_PASSWORD, DEMO_USERS } from './lib/demo-users.mjs';
import { loadSigningKey } from './lib/signing-key.mjs';
import { devCluster, openDevDatabase } from './lib/dev-database.mjs';
import { mintToken } from './lib/jwt.mjs';
import { ensurePrerequisites } from './lib/prerequisites.mjs';
import { superviseFunctions, writeDatabaseTypes } from './lib/stack.mjs';
import { buildDemo } from './build-demo.mjs';

ensurePrerequisites();
const database = openDevDatabase();
writeDatabaseTypes(database.url);
// The Auth stand-in's ES256 key is kept under .local/, so sessions survive a restart.
const signingKey = loadSigningKey(path.join(LOCAL_DIR, 'auth-signing-key.json'));
// The demo pages at /demo/ get the SDK bundle and the anon key.
await buildDemo();
const anonKey = mintToken({ role: 'anon', expiresInSeconds: 10 * 365 * 24 * 3600 });
// A functions server that exits (a crash, a kill) is started again; the database stays up.
const functions = await superviseFunctions({
  port: DEV_PORTS.api,
  dbUrl: database.url,
  signingKey,
  quiet: false,
  env: { DEMO_ANON_KEY: anonKey },
  onRestart: ({ code, signal, restartMs }) =>
    console.error(`The functions server exited (${signal ?? `code ${code}`}); serving again after ${restartMs} ms`),
});

const api = apiUrl(DEV_PORTS.api);
const users = DEMO_USERS.map((user) => `  ${user.key.padEnd(9)} ${user.email.padEnd(26)} ${user.id}`);
console.log(`
examsync local stack is running${database.created ? ' (new database with demo data)' : ''}

  API URL          ${api}
  Functions        ${api}/functions/v1/<name>   (try ${api}/functions/v1/health)
  Demo pages       ${api}/demo/   (student exam, teacher live session)
  DB URL           ${database.url}
  JWT secret       ${DEV_JWT_SECRET}
  Auth             ${api}/auth/v1   (ES256 keys at ${api}/auth/v1/.well-known/jwks.json)
  REST             ${api}/rest/v1
  anon key         ${anonKey}
  service_role key ${mintToken({ role: 'service_role', expiresInSeconds: 10 * 365 * 24 * 3600 })}

Demo users (password "${DEMO_PASSWORD}"; a token for one: npm run token -- <email>):
${users.join('\n')}

Demo exam         ${DEMO_EXAM_ID}   (published, unlimited attempts)

Paste into a client app:

  import { createClient } from '@supabase/supabase-js';
  const supabase = createClient('${api}', '${anonKey}');
  const { data, error } = await supabase.auth.signInWithPassword({
    email: '${DEMO_USERS.find((user) => user.key === 'student1').email}', password: '${DEMO_PASSWORD}',
  });

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
