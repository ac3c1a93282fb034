import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { createRemoteJwks, JwksError } from "../../functions/_shared/jwks.ts";

async function es256Key(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  const token = await new SignJWT({ role: "anon" })
    .setProtectedHeader({ alg: "ES256", kid })
    .setExpirationTime("1h")
    .sign(privateKey);
  return { jwk, token };
}

const header = (kid: string) => ({ alg: "ES256", kid });

/** A fetch answering from `answer`, counting calls. */
function fakeFetch(answer: () => Response | Promise<Response>) {
  const calls = { count: 0 };
  const fetch = (() => {
    calls.count++;
    return Promise.resolve(answer());
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

async function rejection(promise: Promise<unknown>): Promise<JwksError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof JwksError, `expected a JwksError, got ${error}`);
    return error;
  }
  throw new Error("Expected a rejection");
}

Deno.test("createRemoteJwks() remembers a failure for 30 s, then fetches again", async () => {
  const { jwk } = await es256Key("k1");
  let up = false;
  const { fetch, calls } = fakeFetch(() =>
    up ? Response.json({ keys: [jwk] }) : new Response("down", { status: 503 })
  );
  let time = 1_000_000;
  const getKey = createRemoteJwks(new URL("http://jwks.test/keys"), { fetch, now: () => time });
  const first = await rejection(
    Promise.resolve(getKey(header("k1"), { payload: "", signature: "" })),
  );
  assert.equal(first.failure, "unavailable");
  assert.equal(first.retryAfterSeconds, 30);
  time += 10_000;
  up = true;
  const remembered = await rejection(
    Promise.resolve(getKey(header("k1"), { payload: "", signature: "" })),
  );
  assert.equal(remembered.retryAfterSeconds, 20);
  assert.equal(calls.count, 1);
  time += 20_000;
  assert.ok(await getKey(header("k1"), { payload: "", signature: "" }));
  assert.equal(calls.count, 2);
});

Deno.test("createRemoteJwks() calls a 404 absent and shares one fetch between concurrent callers", async () => {
  const { fetch, calls } = fakeFetch(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return new Response("no", { status: 404 });
  });
  const getKey = createRemoteJwks(new URL("http://jwks.test/keys"), { fetch });
  const errors = await Promise.all(
    [1, 2, 3].map(() =>
      rejection(Promise.resolve(getKey(header("k1"), { payload: "", signature: "" })))
    ),
  );
  assert.deepEqual(errors.map((error) => error.failure), ["absent", "absent", "absent"]);
  assert.equal(calls.count, 1);
});

Deno.test("createRemoteJwks() keeps stale keys while a refresh fails and refetches an unknown kid after the cooldown", async () => {
  const one = await es256Key("k1");
  const two = await es256Key("k2");
  let answer: () => Response = () => Response.json({ keys: [one.jwk] });
  const { fetch, calls } = fakeFetch(() => answer());
  let time = 0;
  const getKey = createRemoteJwks(new URL("http://jwks.test/keys"), {
    fetch,
    now: () => time,
    maxAgeMs: 60_000,
  });
  const noToken = { payload: "", signature: "" };
  assert.ok(await getKey(header("k1"), noToken));
  // An unknown kid within the cooldown does not refetch.
  time = 10_000;
  await assert.rejects(Promise.resolve(getKey(header("k2"), noToken)), {
    code: "ERR_JWKS_NO_MATCHING_KEY",
  });
  assert.equal(calls.count, 1);
  // After it, the kid is looked up in a fresh set (key rotation).
  time = 31_000;
  answer = () => Response.json({ keys: [one.jwk, two.jwk] });
  assert.ok(await getKey(header("k2"), noToken));
  assert.equal(calls.count, 2);
  // Past maxAge with the JWKS down: the stale keys still verify, and the failure is remembered.
  time = 100_000;
  answer = () => new Response("down", { status: 500 });
  assert.ok(await getKey(header("k1"), noToken));
  assert.ok(await getKey(header("k2"), noToken));
  assert.equal(calls.count, 3);
});
