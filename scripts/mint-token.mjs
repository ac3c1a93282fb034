// `npm run token -- <email>`: prints an access token of that user, signed with the local
// JWT secret (HS256, which the local stack accepts beside its ES256 session tokens), e.g.
// `npm run token -- student1@northwind.test`. An email that is not a user is refused.
// Also: `npm run token -- anon | service_role | authenticated <user id> [email]`.
import { DEV_PORTS, localDbUrl } from './lib/config.mjs';
import { psql } from './lib/database.mjs';
import { DEMO_USERS } from './lib/demo-users.mjs';
import { mintToken } from './lib/jwt.mjs';

const USAGE = 'Usage: npm run token -- <email> | anon | service_role | authenticated <user id> [email]';
const [first, second, third] = process.argv.slice(2);

/** The id of the user with this email: a demo user, else one of the dev database. @param {string} email */
function findUserId(email) {
  const demo = DEMO_USERS.find((user) => user.email === email.toLowerCase());
  if (demo) return demo.id;
  try {
    const url = process.env.SUPABASE_DB_URL ?? localDbUrl(DEV_PORTS.db);
    const literal = `'${email.toLowerCase().replaceAll("'", "''")}'`;
    return psql(url, { sql: `select id from auth.users where lower(email) = ${literal} and deleted_at is null` }) || undefined;
  } catch {
    return undefined; // the database is not running: only demo users are known
  }
}

if (first?.includes('@')) {
  const id = findUserId(first);
  if (!id) {
    console.error(`Cannot mint a token: no user has the email ${first} (demo users: ${DEMO_USERS.map((user) => user.email).join(', ')})`);
    process.exit(2);
  }
  console.log(mintToken({ role: 'authenticated', sub: id, email: first.toLowerCase() }));
} else if (first === 'anon' || first === 'service_role') {
  console.log(mintToken({ role: first }));
} else if (first === 'authenticated' && second && /^[0-9a-f-]{36}$/i.test(second)) {
  console.log(mintToken({ role: 'authenticated', sub: second, email: third }));
} else {
  console.error(USAGE);
  process.exit(2);
}
