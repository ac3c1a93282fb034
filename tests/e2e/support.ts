// What every client scenario needs: the stack `npm test` started, and supabase-js
// clients signed in as the demo users of supabase/seed.sql.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { DEMO_USERS } from '../../scripts/lib/demo-users.mjs';
import { mintToken } from '../../scripts/lib/jwt.mjs';

/** The stack's API URL (`npm test` sets it; `npm run dev` serves the same paths). */
export const apiUrl = process.env.SUPABASE_URL ?? 'http://127.0.0.1:54321';

/** The anon key of the local stack, as a client app ships it. */
export const anonKey = mintToken({ role: 'anon' });

/**
 * A supabase-js client acting as a seeded demo user, as the holder of `token`, or as anon.
 * @example const student = clientFor('student1'); await student.rpc('get_active_session_state');
 */
export function clientFor(user?: (typeof DEMO_USERS)[number]['key'], token?: string): SupabaseClient {
  const demo = DEMO_USERS.find((candidate) => candidate.key === user);
  const accessToken = token ?? (demo ? mintToken({ role: 'authenticated', sub: demo.id, email: demo.email }) : undefined);
  return createClient(apiUrl, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    // Node 20 has no WebSocket of its own; browsers and Node 22+ need no transport.
    realtime: { transport: ws as never },
    ...(accessToken ? { accessToken: async () => accessToken } : {}),
  });
}
