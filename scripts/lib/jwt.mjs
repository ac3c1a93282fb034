// Minting HS256 access tokens signed with the local JWT secret, shaped like GoTrue's.
import crypto from 'node:crypto';
import { DEV_JWT_SECRET } from './config.mjs';

/** @param {object} value */
const base64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs a token for a role, and for a user when `sub` is given.
 * @param {{ role: 'anon' | 'authenticated' | 'service_role', sub?: string, email?: string,
 *   expiresInSeconds?: number, secret?: string }} options
 * @returns {string}
 * @example mintToken({ role: 'authenticated', sub: userId, email: 'ada@example.com' })
 */
export function mintToken({ role, sub, email, expiresInSeconds = 3600, secret = DEV_JWT_SECRET }) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'supabase-local',
    role,
    iat: now,
    exp: now + expiresInSeconds,
    ...(sub ? { sub, aud: 'authenticated', email, app_metadata: { provider: 'email' }, user_metadata: {} } : {}),
  };
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  const signature = crypto.createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}
