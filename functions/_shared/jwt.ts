/**
 * Bearer token verification: HS256 with the legacy JWT secret, ES256/RS256
 * with the project's JWKS (the local `SUPABASE_JWKS` set, else the remote one).
 *
 * @module
 */

import {
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import { getConfig } from "./env.ts";
import { HttpError } from "./errors.ts";
import { createRemoteJwks, JwksError } from "./jwks.ts";

/** The database roles a token may carry. */
export type Role = "anon" | "authenticated" | "service_role";

/** Verified claims of a Supabase token. */
export interface JwtClaims extends JWTPayload {
  role: Role;
  exp: number;
  /** The user id; always present when `role` is `authenticated`. */
  sub?: string;
  email?: string;
  session_id?: string;
  is_anonymous?: boolean;
}

/** Verified claims of a signed-in user's token. */
export type UserClaims = JwtClaims & { role: "authenticated"; sub: string };

/** Keys a token may be verified with; {@linkcode Config} fits. */
export interface JwtKeys {
  jwtSecret?: string;
  jwks?: JSONWebKeySet;
  jwksUrl?: string;
}

/** Options of {@linkcode verifyJwt}. */
export interface VerifyJwtOptions {
  /** Keys to verify with; defaults to those of {@linkcode getConfig}. */
  keys?: JwtKeys;
  /** Seconds of clock skew tolerated for `exp`/`nbf`; default 0. */
  clockTolerance?: number;
  /** Expected `aud`, when set. */
  audience?: string | string[];
  /** Expected `iss`, when set. */
  issuer?: string | string[];
}

const ROLES: ReadonlySet<string> = new Set(["anon", "authenticated", "service_role"]);
const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set(["ES256", "RS256"]);

/**
 * Verifies a token and returns its claims. Requires `exp`, a `role` among
 * `anon`/`authenticated`/`service_role`, and `sub` for `authenticated`.
 *
 * @example
 * ```ts
 * const claims = await verifyJwt(token);
 * if (claims.role === "authenticated") console.log(claims.sub);
 * ```
 * @throws {HttpError} 401 `invalid_token` or `token_expired` (also for an
 * ES256/RS256 token when no JWKS is configured or the JWKS URL answers that
 * there is none); 503 `jwks_unavailable` with `Retry-After` when the remote key
 * set cannot be fetched. A failed fetch is remembered for 30 s: requests in
 * that window get the same answer without fetching again.
 */
export async function verifyJwt(token: string, options: VerifyJwtOptions = {}): Promise<JwtClaims> {
  const keys = options.keys ?? getConfig();
  let algorithm: string | undefined;
  try {
    algorithm = decodeProtectedHeader(token).alg;
  } catch {
    throw invalidToken("token is malformed");
  }
  if (algorithm === undefined) throw invalidToken("token is malformed");

  const getKey = keyFor(algorithm, keys);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: [algorithm],
      clockTolerance: options.clockTolerance,
      audience: options.audience,
      issuer: options.issuer,
      requiredClaims: ["exp"],
    }));
  } catch (error) {
    throw verificationError(error, algorithm);
  }
  return checkClaims(payload);
}

/** Options of {@linkcode getBearerToken} and {@linkcode authenticate}. */
export interface BearerOptions {
  /**
   * Query parameter also read for the token when no `Authorization` header is
   * sent (EventSource cannot send headers), such as `access_token`.
   */
  queryParam?: string;
}

/**
 * The bearer token of a request, or `undefined` when it has none.
 *
 * @example
 * ```ts
 * const token = getBearerToken(request, { queryParam: "access_token" });
 * ```
 * @throws {HttpError} 401 `invalid_token` when `Authorization` is not `Bearer <token>`.
 */
export function getBearerToken(request: Request, options: BearerOptions = {}): string | undefined {
  const header = request.headers.get("authorization");
  if (header !== null) {
    const match = /^bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
    if (!match?.[1]) throw invalidToken("authorization header is not a bearer token");
    return match[1];
  }
  if (options.queryParam === undefined) return undefined;
  const token = new URL(request.url).searchParams.get(options.queryParam)?.trim();
  return token ? token : undefined;
}

/**
 * Reads and verifies the bearer token of a request.
 *
 * @example
 * ```ts
 * const claims = await authenticate(request);
 * return await withUser(claims, request, (sql) => sql`select 1`);
 * ```
 * @throws {HttpError} 401 `missing_token` without a token, else as {@linkcode verifyJwt}.
 */
export async function authenticate(
  request: Request,
  options: BearerOptions & VerifyJwtOptions = {},
): Promise<JwtClaims> {
  const token = getBearerToken(request, options);
  if (token === undefined) {
    throw new HttpError(401, {
      code: "missing_token",
      message: "Cannot authenticate request: no bearer token was sent",
      headers: { "www-authenticate": "Bearer" },
    });
  }
  return await verifyJwt(token, options);
}

/**
 * Whether claims belong to a signed-in user (`role` `authenticated` with `sub`).
 *
 * @example
 * ```ts
 * if (!isUser(claims)) throw new HttpError(403, { code: "user_required", message: "..." });
 * ```
 */
export function isUser(claims: JwtClaims): claims is UserClaims {
  return claims.role === "authenticated" && typeof claims.sub === "string";
}

/**
 * The claims of a signed-in user, or an error: 401 `user_required` for an
 * anonymous token (sign in first), 403 `user_required` for the service role
 * (it acts for no user).
 *
 * @example
 * ```ts
 * const user = requireUser(await authenticate(request));
 * user.sub; // the user id
 * ```
 * @throws {HttpError} 401 or 403 `user_required`.
 */
export function requireUser(claims: JwtClaims): UserClaims {
  if (isUser(claims)) return claims;
  const anonymous = claims.role === "anon";
  throw new HttpError(anonymous ? 401 : 403, {
    code: "user_required",
    message: `Cannot serve request: it needs a signed-in user, not the ${claims.role} role`,
    headers: anonymous ? { "www-authenticate": "Bearer" } : undefined,
  });
}

const localSets = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();
const remoteSets = new Map<string, JWTVerifyGetKey>();

function keyFor(algorithm: string, keys: JwtKeys): Uint8Array | JWTVerifyGetKey {
  if (algorithm === "HS256") {
    if (keys.jwtSecret === undefined) {
      throw invalidToken("HS256 tokens are not accepted without a JWT secret");
    }
    return new TextEncoder().encode(keys.jwtSecret);
  }
  if (!ASYMMETRIC_ALGORITHMS.has(algorithm)) {
    const name = /^[A-Za-z0-9_+-]{1,16}$/.test(algorithm)
      ? `algorithm ${algorithm}`
      : "the algorithm";
    throw invalidToken(`${name} is not supported`);
  }
  if (keys.jwks !== undefined) {
    let set = localSets.get(keys.jwks);
    if (set === undefined) {
      set = createLocalJWKSet(keys.jwks);
      localSets.set(keys.jwks, set);
    }
    return set;
  }
  if (keys.jwksUrl !== undefined) {
    let set = remoteSets.get(keys.jwksUrl);
    if (set === undefined) {
      set = createRemoteJwks(new URL(keys.jwksUrl));
      remoteSets.set(keys.jwksUrl, set);
    }
    return set;
  }
  throw invalidToken(`${algorithm} tokens are not accepted without a JWKS`);
}

function checkClaims(payload: JWTPayload): JwtClaims {
  if (typeof payload.exp !== "number") throw invalidToken("claim exp is missing");
  const role = payload.role;
  if (typeof role !== "string") throw invalidToken("claim role is missing");
  if (!ROLES.has(role)) throw invalidToken(`role ${role} is not allowed`);
  if (role === "authenticated" && (typeof payload.sub !== "string" || payload.sub === "")) {
    throw invalidToken("claim sub is missing for role authenticated");
  }
  return payload as JwtClaims;
}

function verificationError(error: unknown, algorithm: string): HttpError {
  if (error instanceof JwksError) {
    if (error.failure === "absent") {
      return invalidToken(`${algorithm} tokens are not accepted: no JWKS is published`, error);
    }
    return new HttpError(503, {
      code: "jwks_unavailable",
      message: "Cannot verify token: the signing keys are unavailable",
      headers: { "retry-after": String(error.retryAfterSeconds) },
      cause: error,
    });
  }
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return new HttpError(401, {
        code: "token_expired",
        message: "Cannot verify token: token has expired",
        headers: {
          "www-authenticate": 'Bearer error="invalid_token", error_description="token has expired"',
        },
        cause: error,
      });
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return invalidToken("signature does not match", error);
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return invalidToken("no single key of the JWKS matches the token", error);
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const { claim, reason } = error as { claim?: string; reason?: string };
      return invalidToken(
        reason === "missing" ? `claim ${claim} is missing` : `claim ${claim} is not valid`,
        error,
      );
    }
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
    case "ERR_JWK_INVALID":
      return invalidToken("token is malformed", error);
  }
  // The remote key set could not be fetched or read (timeout, network, bad body).
  return new HttpError(503, {
    code: "jwks_unavailable",
    message: "Cannot verify token: the signing keys are unavailable",
    cause: error,
  });
}

function invalidToken(reason: string, cause?: unknown): HttpError {
  const description = reason.replace(/[^\x20-\x7e]|["\\]/g, "");
  return new HttpError(401, {
    code: "invalid_token",
    message: `Cannot verify token: ${reason}`,
    headers: {
      "www-authenticate": `Bearer error="invalid_token", error_description="${description}"`,
    },
    cause,
  });
}
