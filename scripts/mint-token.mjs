// `npm run token -- <role> [user id] [email]`: prints an access token signed with the
// local JWT secret, e.g. `npm run token -- authenticated a0000000-0000-4000-8000-000000000003`.
import { mintToken } from './lib/jwt.mjs';

const [role = 'authenticated', sub, email] = process.argv.slice(2);
if (!['anon', 'authenticated', 'service_role'].includes(role) || (role === 'authenticated' && !sub)) {
  console.error('Usage: npm run token -- anon | service_role | authenticated <user id> [email]');
  process.exit(2);
}
console.log(mintToken({ role, sub, email }));
