// The Auth stand-in at /auth/v1 through supabase-js, case by case against what GoTrue
// documents: sessions and claims, rotating refresh tokens with reuse detection, the user
// endpoints, sign-out scopes, sign-up, the JWKS, and GoTrue's error shapes.
import crypto from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { ownerSql } from './fixtures';
import { anonKey, apiUrl } from './support';

function client(): SupabaseClient {
  return createClient(apiUrl, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
  });
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
}

async function signedIn(email = 'student1@northwind.test') {
  const supabase = client();
  const { data, error } = await supabase.auth.signInWithPassword({ email, password: 'password' });
  expect(error).toBeNull();
  return { supabase, session: data.session! };
}

const created: string[] = [];
afterAll(async () => {
  if (created.length > 0) await ownerSql`delete from auth.users where email = any(${created})`;
});

describe('POST /auth/v1/token?grant_type=password', () => {
  it('signs a demo user in with GoTrue claims, signed ES256 with the key of the JWKS', async () => {
    const { session } = await signedIn();
    expect(session.token_type).toBe('bearer');
    expect(session.expires_in).toBe(3600);
    expect(session.user.email).toBe('student1@northwind.test');
    const claims = claimsOf(session.access_token);
    expect(claims).toMatchObject({
      sub: 'a0000000-0000-4000-8000-000000000003', role: 'authenticated', aud: 'authenticated',
      email: 'student1@northwind.test', aal: 'aal1', is_anonymous: false,
      app_metadata: { provider: 'email' }, user_metadata: { display_name: 'Sara Student' },
    });
    expect(claims.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((claims.amr as { method: string }[])[0]!.method).toBe('password');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);

    const [header, payload, signature] = session.access_token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const jwks = await (await fetch(`${apiUrl}/auth/v1/.well-known/jwks.json`)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
    const key = crypto.createPublicKey({ key: jwks.keys[0], format: 'jwk' });
    expect(crypto.verify('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature!, 'base64url'))).toBe(true);
  });

  it('answers a wrong password with 400 invalid_credentials', async () => {
    const { error } = await client().auth.signInWithPassword({ email: 'student1@northwind.test', password: 'wrong' });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('invalid_credentials');
    expect(error?.message).toBe('Invalid login credentials');
  });

  it('answers in GoTrue\'s error shape { code, error_code, msg }', async () => {
    const response = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST', headers: { apikey: anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@northwind.test', password: 'password' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });

  it('answers 429 over_request_rate_limit after repeated failures for one email', async () => {
    const email = `locked-${crypto.randomUUID()}@northwind.test`;
    const supabase = client();
    for (let i = 0; i < 10; i++) {
      expect((await supabase.auth.signInWithPassword({ email, password: 'wrong' })).error?.status).toBe(400);
    }
    const { error } = await supabase.auth.signInWithPassword({ email, password: 'wrong' });
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('over_request_rate_limit');
  });

  it('requires the API key as the gateway does', async () => {
    const response = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    expect(response.status).toBe(401);
    expect((await response.json()).message).toBe('No API key found in request');
  });
});

describe('sessions', () => {
  it('getUser and getSession return the signed-in user', async () => {
    const { supabase } = await signedIn();
    const { data } = await supabase.auth.getUser();
    expect(data.user?.id).toBe('a0000000-0000-4000-8000-000000000003');
    expect(data.user?.identities).toBeInstanceOf(Array);
    expect((await supabase.auth.getSession()).data.session?.user.email).toBe('student1@northwind.test');
  });

  it('onAuthStateChange reports the sign-in', async () => {
    const supabase = client();
    const events: string[] = [];
    supabase.auth.onAuthStateChange((event) => events.push(event));
    await supabase.auth.signInWithPassword({ email: 'student2@northwind.test', password: 'password' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toContain('SIGNED_IN');
  });

  it('refreshSession rotates the refresh token and keeps the session', async () => {
    const { supabase, session } = await signedIn();
    const { data, error } = await supabase.auth.refreshSession();
    expect(error).toBeNull();
    expect(data.session!.refresh_token).not.toBe(session.refresh_token);
    expect(claimsOf(data.session!.access_token).session_id).toBe(claimsOf(session.access_token).session_id);
    const [row] = await ownerSql`select revoked from auth.refresh_tokens where token = ${session.refresh_token}`;
    expect(row?.revoked).toBe(true);
  });

  it('a revoked refresh token reused within 10 s answers with its successor', async () => {
    const { supabase, session } = await signedIn();
    const first = await supabase.auth.refreshSession();
    const again = await client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(again.error).toBeNull();
    expect(again.data.session!.refresh_token).toBe(first.data.session!.refresh_token);
  });

  it('reuse of a revoked refresh token later revokes the whole family (400 refresh_token_already_used)', async () => {
    const { supabase, session } = await signedIn();
    const rotated = (await supabase.auth.refreshSession()).data.session!;
    await ownerSql`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = ${session.refresh_token}`;
    const reuse = await client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(reuse.error?.status).toBe(400);
    expect(reuse.error?.code).toBe('refresh_token_already_used');
    const current = await client().auth.refreshSession({ refresh_token: rotated.refresh_token });
    expect(current.error?.code).toBe('refresh_token_already_used');
  });

  it('an unknown refresh token is 400 refresh_token_not_found', async () => {
    const { error } = await client().auth.refreshSession({ refresh_token: 'no-such-token' });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('refresh_token_not_found');
  });

  it('signOut (global) ends every session: the token is refused with 403 session_not_found', async () => {
    const { supabase, session } = await signedIn('student2@northwind.test');
    const other = await signedIn('student2@northwind.test');
    expect((await supabase.auth.signOut()).error).toBeNull();
    const response = await fetch(`${apiUrl}/auth/v1/user`, {
      headers: { apikey: anonKey, authorization: `Bearer ${other.session.access_token}` },
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error_code).toBe('session_not_found');
    expect((await client().auth.refreshSession({ refresh_token: session.refresh_token })).error?.code)
      .toBe('refresh_token_not_found');
  });

  it('signOut({ scope: "local" }) ends only that session', async () => {
    const { supabase } = await signedIn('teacher@northwind.test');
    const other = await signedIn('teacher@northwind.test');
    await supabase.auth.signOut({ scope: 'local' });
    expect((await other.supabase.auth.getUser()).error).toBeNull();
  });

  it('GET /user without a token is 401 no_authorization', async () => {
    const response = await fetch(`${apiUrl}/auth/v1/user`, { headers: { apikey: anonKey } });
    expect(response.status).toBe(401);
    expect((await response.json()).error_code).toBe('no_authorization');
  });
});

describe('sign-up and user updates', () => {
  const email = `new-${crypto.randomUUID().slice(0, 8)}@scenario.test`;
  created.push(email);

  it('signUp creates a confirmed user with a session (email confirmations off)', async () => {
    const { data, error } = await client().auth.signUp({ email, password: 'secret-pass', options: { data: { display_name: 'New' } } });
    expect(error).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
    expect(data.user?.email_confirmed_at).toBeTruthy();
    expect(data.user?.user_metadata).toMatchObject({ display_name: 'New', email });
    expect((await client().auth.signInWithPassword({ email, password: 'secret-pass' })).error).toBeNull();
  });

  it('signUp of a taken email is 422 user_already_exists', async () => {
    const { error } = await client().auth.signUp({ email, password: 'secret-pass' });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('user_already_exists');
  });

  it('a short password is 422 weak_password', async () => {
    const { error } = await client().auth.signUp({ email: `weak-${crypto.randomUUID()}@scenario.test`, password: '123' });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('weak_password');
  });

  it('updateUser merges metadata (null removes a key) and changes the password', async () => {
    const supabase = client();
    await supabase.auth.signInWithPassword({ email, password: 'secret-pass' });
    await supabase.auth.updateUser({ data: { theme: 'dark' } });
    const { data, error } = await supabase.auth.updateUser({ data: { display_name: null }, password: 'another-pass' });
    expect(error).toBeNull();
    expect(data.user?.user_metadata.theme).toBe('dark');
    expect(data.user?.user_metadata.display_name).toBeUndefined();
    expect((await client().auth.signInWithPassword({ email, password: 'another-pass' })).error).toBeNull();
  });

  it('features the stand-in does not serve answer 400 not_implemented naming them', async () => {
    const { error } = await client().auth.signInWithOtp({ email });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('not_implemented');
    expect(error?.message).toMatch(/one-time passwords/);
    const mfa = await fetch(`${apiUrl}/auth/v1/factors`, { method: 'POST', headers: { apikey: anonKey } });
    expect((await mfa.json()).error_code).toBe('not_implemented');
    const anonymous = await client().auth.signInAnonymously();
    expect(anonymous.error?.code).toBe('anonymous_provider_disabled');
  });
});

describe('tokens of the Auth stand-in elsewhere', () => {
  it('the edge functions verify them through the JWKS', async () => {
    const { supabase } = await signedIn();
    const { error } = await supabase.functions.invoke('attempt-sync', { body: { nonsense: true } });
    const body = await (error as { context: Response }).context.json();
    expect((error as { context: Response }).context.status).toBe(400);
    expect(body.code).not.toMatch(/token/);
  });

  it('Realtime setAuth picks the access token up', async () => {
    const { supabase, session } = await signedIn();
    await supabase.realtime.setAuth();
    expect(supabase.realtime.accessTokenValue).toBe(session.access_token);
  });
});
