import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mintToken } from './jwt.mjs';

/** @param {string} token */
const decode = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

describe('mintToken()', () => {
  it('signs a user token with HS256 and the given secret', () => {
    const token = mintToken({ role: 'authenticated', sub: 'user-1', email: 'a@b.test', secret: 'k'.repeat(32) });
    const [header, payload, signature] = token.split('.');
    const expected = crypto.createHmac('sha256', 'k'.repeat(32)).update(`${header}.${payload}`).digest('base64url');
    expect(signature).toBe(expected);
    expect(decode(token)).toMatchObject({ role: 'authenticated', sub: 'user-1', aud: 'authenticated', email: 'a@b.test' });
  });

  it('gives role tokens no subject and an expiry', () => {
    const claims = decode(mintToken({ role: 'anon', expiresInSeconds: 60 }));
    expect(claims.sub).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(60);
  });
});
