// Calling an RPC over HTTP as supabase.rpc() does: POST /rest/v1/rpc/<fn> with the
// gateway's apikey (the anon key) and the caller's token. For scripts that drive the stack
// without supabase-js (benchmarks, the chaos harness, scenario data).
import { mintToken } from './jwt.mjs';

const anonKey = mintToken({ role: 'anon', expiresInSeconds: 10 * 365 * 24 * 3600 });

/**
 * @param {string} apiUrl @param {string} token @param {string} fn @param {Record<string, unknown>} args
 * @returns {Promise<{ status: number, body: any }>}
 */
export async function postRpc(apiUrl, token, fn, args) {
  const response = await fetch(`${apiUrl}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: { apikey: anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: response.status, body: await response.json() };
}

/** {@link postRpc}, throwing unless it answers 200; resolves with the body. */
export async function callRpc(apiUrl, token, fn, args) {
  const { status, body } = await postRpc(apiUrl, token, fn, args);
  if (status !== 200) throw new Error(`${fn} failed: ${status} ${JSON.stringify(body)}`);
  return body;
}
