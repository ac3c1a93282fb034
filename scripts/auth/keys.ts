/**
 * The local Auth stand-in's signing keys. New Supabase projects sign access tokens
 * with an asymmetric key (ES256) and publish its public half at
 * `/auth/v1/.well-known/jwks.json`; the legacy HS256 secret stays available.
 *
 * | variable | meaning |
 * |---|---|
 * | `AUTH_JWT_ALGORITHM` | `ES256` (default) or `HS256` (sign with `JWT_SECRET`) |
 * | `AUTH_SIGNING_KEY` | the ES256 private key as a JWK (JSON); a fresh one per process when unset |
 *
 * @module
 */

import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";

/** Signs access tokens and publishes the keys that verify them. */
export interface Signer {
  /** `ES256` or `HS256`. */
  readonly algorithm: "ES256" | "HS256";
  /** Signs claims as a JWT (`typ: JWT`, with the key's `kid` for ES256). */
  sign(claims: JWTPayload): Promise<string>;
  /** The public key set: the ES256 key, or no key at all for HS256. */
  readonly jwks: JSONWebKeySet;
}

/** Options of {@linkcode createSigner}. */
export interface SignerOptions {
  algorithm?: string;
  /** The ES256 private key (a JWK with `d`). */
  privateJwk?: JWK;
  /** The HS256 secret. */
  secret?: string;
}

/**
 * Creates the signer.
 *
 * @example
 * ```ts
 * const signer = await createSigner({ algorithm: "ES256" });
 * const token = await signer.sign({ sub: "…", role: "authenticated", exp: 2_000_000_000 });
 * ```
 * @throws {Error} for an unknown algorithm, a non-P-256 key, or HS256 without a secret.
 */
export async function createSigner(options: SignerOptions = {}): Promise<Signer> {
  const algorithm = (options.algorithm ?? "ES256").toUpperCase();
  if (algorithm === "HS256") {
    if (!options.secret) throw new Error("Cannot sign tokens: HS256 needs JWT_SECRET");
    const key = new TextEncoder().encode(options.secret);
    return {
      algorithm,
      jwks: { keys: [] },
      sign: (claims) =>
        new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key),
    };
  }
  if (algorithm !== "ES256") {
    throw new Error(`Cannot sign tokens: AUTH_JWT_ALGORITHM ${algorithm} is not ES256 or HS256`);
  }
  let privateJwk = options.privateJwk;
  if (privateJwk === undefined) {
    const pair = await generateKeyPair("ES256", { extractable: true });
    privateJwk = { ...await exportJWK(pair.privateKey), kid: crypto.randomUUID() };
  }
  if (privateJwk.kty !== "EC" || privateJwk.crv !== "P-256" || !privateJwk.d) {
    throw new Error("Cannot sign tokens: AUTH_SIGNING_KEY must be a P-256 private JWK");
  }
  const kid = privateJwk.kid ?? crypto.randomUUID();
  const key = await importJWK({ ...privateJwk, alg: "ES256" }, "ES256");
  const { d: _private, ...publicJwk } = privateJwk;
  return {
    algorithm,
    jwks: {
      keys: [{ ...publicJwk, kid, alg: "ES256", use: "sig", key_ops: ["verify"], ext: true }],
    },
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(key),
  };
}

/**
 * The signer described by the environment (see the module's table).
 *
 * @example
 * ```ts
 * const signer = await signerFromEnv(Deno.env.toObject());
 * ```
 */
export function signerFromEnv(env: Readonly<Record<string, string | undefined>>): Promise<Signer> {
  const raw = env.AUTH_SIGNING_KEY?.trim();
  let privateJwk: JWK | undefined;
  if (raw) {
    try {
      privateJwk = JSON.parse(raw) as JWK;
    } catch {
      throw new Error("Cannot sign tokens: AUTH_SIGNING_KEY is not JSON");
    }
  }
  return createSigner({
    algorithm: env.AUTH_JWT_ALGORITHM?.trim() || "ES256",
    privateJwk,
    secret: env.JWT_SECRET?.trim(),
  });
}
