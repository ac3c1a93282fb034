import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { parseConfig } from "../../functions/_shared/env.ts";
import { HttpError } from "../../functions/_shared/errors.ts";
import { authenticate, getBearerToken, verifyJwt } from "../../functions/_shared/jwt.ts";
import { listen, requireEnv, signHs256 } from "./helpers.ts";

const secret = requireEnv("JWT_SECRET");
const keys = { jwtSecret: secret };
const userId = "6c1b2a52-8f7a-4f0e-9a43-2d1b6f0b7c11";

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${error}`);
    return error;
  }
  throw new Error("Expected a rejection");
}

async function es256Key(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return { privateKey, jwk };
}

function signEs256(claims: Record<string, unknown>, key: CryptoKey, kid: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
    .setExpirationTime("1h")
    .sign(key);
}

Deno.test("verifyJwt() accepts a valid HS256 user token", async () => {
  const token = await signHs256(
    { role: "authenticated", sub: userId, aud: "authenticated" },
    secret,
  );
  const claims = await verifyJwt(token, { keys });
  assert.equal(claims.role, "authenticated");
  assert.equal(claims.sub, userId);
  assert.equal(typeof claims.exp, "number");
});

Deno.test("verifyJwt() accepts HS256 tokens with the secret from the environment", async () => {
  const token = await signHs256({ role: "service_role" }, secret);
  const config = parseConfig({
    SUPABASE_DB_URL: requireEnv("SUPABASE_DB_URL"),
    JWT_SECRET: secret,
  });
  assert.equal((await verifyJwt(token, { keys: config })).role, "service_role");
});

Deno.test("verifyJwt() rejects an expired token", async () => {
  const token = await signHs256({ role: "anon" }, secret, { expiresIn: -60 });
  const error = await rejection(verifyJwt(token, { keys }));
  assert.equal(error.status, 401);
  assert.equal(error.code, "token_expired");
  assert.equal(error.message, "Cannot verify token: token has expired");
});

Deno.test("verifyJwt() rejects a token signed with another secret", async () => {
  const token = await signHs256({ role: "anon" }, "another-secret-that-is-at-least-32-characters");
  const error = await rejection(verifyJwt(token, { keys }));
  assert.equal(error.status, 401);
  assert.equal(error.code, "invalid_token");
  assert.equal(error.message, "Cannot verify token: signature does not match");
});

Deno.test("verifyJwt() rejects a malformed token", async () => {
  const error = await rejection(verifyJwt("not.a.jwt", { keys }));
  assert.equal(error.code, "invalid_token");
  assert.equal(error.message, "Cannot verify token: token is malformed");
});

Deno.test("verifyJwt() rejects a token without exp", async () => {
  const token = await signHs256({ role: "anon" }, secret, { withoutExp: true });
  const error = await rejection(verifyJwt(token, { keys }));
  assert.equal(error.message, "Cannot verify token: claim exp is missing");
});

Deno.test("verifyJwt() rejects a role other than anon, authenticated and service_role", async () => {
  const token = await signHs256({ role: "postgres" }, secret);
  const error = await rejection(verifyJwt(token, { keys }));
  assert.equal(error.message, "Cannot verify token: role postgres is not allowed");
  const noRole = await rejection(verifyJwt(await signHs256({ sub: userId }, secret), { keys }));
  assert.equal(noRole.message, "Cannot verify token: claim role is missing");
});

Deno.test("verifyJwt() rejects an authenticated token without sub", async () => {
  const token = await signHs256({ role: "authenticated" }, secret);
  const error = await rejection(verifyJwt(token, { keys }));
  assert.equal(error.message, "Cannot verify token: claim sub is missing for role authenticated");
});

Deno.test("verifyJwt() rejects HS256 tokens when only a JWKS is configured", async () => {
  const token = await signHs256({ role: "anon" }, secret);
  const { jwk } = await es256Key("k1");
  const error = await rejection(verifyJwt(token, { keys: { jwks: { keys: [jwk] } } }));
  assert.equal(
    error.message,
    "Cannot verify token: HS256 tokens are not accepted without a JWT secret",
  );
});

Deno.test("verifyJwt() rejects an unsigned token", async () => {
  const header = btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "");
  const body = btoa(JSON.stringify({ role: "service_role", exp: 9999999999 })).replace(/=+$/, "");
  const error = await rejection(verifyJwt(`${header}.${body}.`, { keys }));
  assert.equal(error.message, "Cannot verify token: algorithm none is not supported");
});

Deno.test("verifyJwt() accepts ES256 tokens with the JWKS of SUPABASE_JWKS", async () => {
  const { privateKey, jwk } = await es256Key("local-1");
  const other = await es256Key("local-2");
  const config = parseConfig({
    SUPABASE_DB_URL: requireEnv("SUPABASE_DB_URL"),
    SUPABASE_JWKS: JSON.stringify({ keys: [jwk, other.jwk] }),
  });
  const token = await signEs256({ role: "authenticated", sub: userId }, privateKey, "local-1");
  const claims = await verifyJwt(token, { keys: config });
  assert.equal(claims.sub, userId);

  const forged = await signEs256({ role: "service_role" }, other.privateKey, "local-1");
  const error = await rejection(verifyJwt(forged, { keys: config }));
  assert.equal(error.message, "Cannot verify token: signature does not match");

  const unknownKid = await signEs256({ role: "anon" }, privateKey, "nope");
  const noKey = await rejection(verifyJwt(unknownKid, { keys: config }));
  assert.equal(noKey.message, "Cannot verify token: no single key of the JWKS matches the token");
});

Deno.test("verifyJwt() accepts ES256 tokens with a JWKS fetched from JWKS_URL", async () => {
  const { privateKey, jwk } = await es256Key("remote-1");
  let fetches = 0;
  const server = listen((request) => {
    fetches++;
    assert.equal(new URL(request.url).pathname, "/auth/v1/.well-known/jwks.json");
    return Response.json({ keys: [jwk] });
  });
  try {
    const config = parseConfig({
      SUPABASE_DB_URL: requireEnv("SUPABASE_DB_URL"),
      SUPABASE_URL: server.url,
    });
    assert.equal(config.jwksUrl, `${server.url}/auth/v1/.well-known/jwks.json`);
    const token = await signEs256({ role: "authenticated", sub: userId }, privateKey, "remote-1");
    assert.equal((await verifyJwt(token, { keys: config })).sub, userId);
    assert.equal((await verifyJwt(token, { keys: config })).sub, userId);
    assert.equal(fetches, 1, "the key set is fetched once and cached");

    const expired = await new SignJWT({ role: "anon" })
      .setProtectedHeader({ alg: "ES256", kid: "remote-1" })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(privateKey);
    assert.equal((await rejection(verifyJwt(expired, { keys: config }))).code, "token_expired");
  } finally {
    await server.close();
  }
});

Deno.test("getBearerToken() reads the Authorization header, then the query parameter", () => {
  const fromHeader = new Request("http://localhost/x?access_token=q", {
    headers: { authorization: "Bearer abc.def.ghi" },
  });
  assert.equal(getBearerToken(fromHeader, { queryParam: "access_token" }), "abc.def.ghi");
  const fromQuery = new Request("http://localhost/x?access_token=q.r.s");
  assert.equal(getBearerToken(fromQuery, { queryParam: "access_token" }), "q.r.s");
  assert.equal(getBearerToken(fromQuery), undefined);
  assert.equal(getBearerToken(new Request("http://localhost/x")), undefined);
});

Deno.test("getBearerToken() rejects an Authorization header that is not a bearer token", () => {
  const request = new Request("http://localhost/x", {
    headers: { authorization: "Basic dXNlcjpwYXNz" },
  });
  assert.throws(() => getBearerToken(request), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "invalid_token");
    return true;
  });
});

Deno.test("authenticate() rejects a request without a token", async () => {
  const error = await rejection(authenticate(new Request("http://localhost/x"), { keys }));
  assert.equal(error.status, 401);
  assert.equal(error.code, "missing_token");
  assert.equal(new Headers(error.headers).get("www-authenticate"), "Bearer");
});

Deno.test("authenticate() verifies a token passed as a query parameter", async () => {
  const token = await signHs256({ role: "authenticated", sub: userId }, secret);
  const request = new Request(`http://localhost/x?access_token=${token}`);
  const claims = await authenticate(request, { keys, queryParam: "access_token" });
  assert.equal(claims.sub, userId);
});
