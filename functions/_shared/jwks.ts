/**
 * A remote JSON Web Key Set, fetched once for every caller of a function
 * instance and cached: the keys for `maxAgeMs`, a failure for `failureTtlMs`
 * (so a missing or broken JWKS costs one fetch per window, not one per
 * request), one fetch in flight at a time.
 *
 * @module
 */

import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/** Why a remote key set could not be used. */
export type JwksFailure =
  /** The URL answers that there is no key set (a 4xx such as 404): nothing to verify with. */
  | "absent"
  /** The key set could not be fetched or read (network, timeout, 5xx, a body that is no JWKS). */
  | "unavailable";

/** A remote key set that cannot be used; thrown by the getter of {@linkcode createRemoteJwks}. */
export class JwksError extends Error {
  override name = "JwksError";
  /** `ERR_JWKS_ABSENT` or `ERR_JWKS_UNAVAILABLE`. */
  readonly code: string;
  readonly failure: JwksFailure;
  /** Seconds until the key set is fetched again. */
  readonly retryAfterSeconds: number;

  constructor(
    failure: JwksFailure,
    message: string,
    options: { retryAfterSeconds: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.failure = failure;
    this.code = failure === "absent" ? "ERR_JWKS_ABSENT" : "ERR_JWKS_UNAVAILABLE";
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Options of {@linkcode createRemoteJwks}. */
export interface RemoteJwksOptions {
  /** Longest wait for the key set, in ms; default 5000. */
  timeoutMs?: number;
  /** How long fetched keys are used before they are fetched again, in ms; default 10 minutes. */
  maxAgeMs?: number;
  /** Shortest time between two fetches for a token whose `kid` is unknown, in ms; default 30 s. */
  cooldownMs?: number;
  /** How long a failed fetch is answered from memory, in ms; default 30 s. */
  failureTtlMs?: number;
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch;
  /** The clock, in ms; default `Date.now`. */
  now?: () => number;
}

interface Fetched {
  getKey: JWTVerifyGetKey;
  at: number;
}

interface Failed {
  error: JwksError;
  at: number;
}

/**
 * A key getter for `jwtVerify` backed by the key set at `url`. Fetched keys
 * are used for `maxAgeMs` (and kept while a refresh fails); a token with an
 * unknown `kid` refetches at most once per `cooldownMs` (key rotation); a
 * failed fetch is remembered for `failureTtlMs` and thrown again as is.
 *
 * @example
 * ```ts
 * const getKey = createRemoteJwks(new URL("https://abc.supabase.co/auth/v1/.well-known/jwks.json"));
 * const { payload } = await jwtVerify(token, getKey, { algorithms: ["ES256"] });
 * ```
 * @throws {JwksError} from the getter: `absent` for a 4xx answer, `unavailable` otherwise.
 */
export function createRemoteJwks(url: URL, options: RemoteJwksOptions = {}): JWTVerifyGetKey {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const failureTtlMs = options.failureTtlMs ?? 30_000;
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;

  let fetched: Fetched | undefined;
  let failed: Failed | undefined;
  let pending: Promise<Fetched> | undefined;

  function refresh(): Promise<Fetched> {
    pending ??= load().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function load(): Promise<Fetched> {
    try {
      fetched = { getKey: createLocalJWKSet(await download()), at: now() };
      failed = undefined;
      return fetched;
    } catch (cause) {
      const error = cause instanceof JwksError ? cause : new JwksError(
        "unavailable",
        "Cannot fetch the JWKS: its answer is not a JSON Web Key Set",
        { retryAfterSeconds: Math.ceil(failureTtlMs / 1000), cause },
      );
      failed = { error, at: now() };
      throw error;
    }
  }

  async function download(): Promise<JSONWebKeySet> {
    const retryAfterSeconds = Math.ceil(failureTtlMs / 1000);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new JwksError("unavailable", "Cannot fetch the JWKS: the request failed", {
        retryAfterSeconds,
        cause,
      });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      const status = response.status;
      const absent = status >= 400 && status < 500 && status !== 408 && status !== 429;
      throw new JwksError(
        absent ? "absent" : "unavailable",
        `Cannot fetch the JWKS: it answered ${status}`,
        { retryAfterSeconds },
      );
    }
    return await response.json() as JSONWebKeySet;
  }

  /** Fresh keys, stale keys while a refresh failure is remembered, or the remembered failure. */
  async function current(): Promise<Fetched> {
    const time = now();
    if (fetched !== undefined && time - fetched.at < maxAgeMs) return fetched;
    if (failed !== undefined && time - failed.at < failureTtlMs) {
      if (fetched !== undefined) return fetched;
      const { failure, message, cause } = failed.error;
      const retryAfterSeconds = Math.max(1, Math.ceil((failed.at + failureTtlMs - time) / 1000));
      throw new JwksError(failure, message, { retryAfterSeconds, cause });
    }
    try {
      return await refresh();
    } catch (error) {
      if (fetched !== undefined) return fetched;
      throw error;
    }
  }

  return async function getKey(header, token) {
    const keys = await current();
    try {
      return await keys.getKey(header, token);
    } catch (error) {
      const unknownKid = (error as { code?: unknown } | null)?.code === "ERR_JWKS_NO_MATCHING_KEY";
      const mayRefetch = now() - keys.at >= cooldownMs &&
        (failed === undefined || now() - failed.at >= failureTtlMs);
      if (!unknownKid || !mayRefetch) throw error;
      const fresh = await refresh();
      return await fresh.getKey(header, token);
    }
  };
}
