/**
 * The `attempt-sync` handler: `POST` a batch of ops for one attempt.
 *
 * Order of checks: CORS preflight; method (405); token (401 `missing_token`,
 * `invalid_token`, `token_expired`; 503 `jwks_unavailable` while the JWKS cannot
 * be fetched); a signed-in user (401 `user_required` for
 * the anon role, 403 for the service role); the per-user rate limit (429
 * `rate_limited` with `Retry-After`); the body: size (413
 * `payload_too_large`), JSON (400 `invalid_json`), op count (400
 * `too_many_ops`), schema (400 `invalid_text` for a NUL or a lone surrogate,
 * `too_deeply_nested`, both naming the op; else `invalid_request`); then
 * `public.apply_attempt_ops` as the caller in one transaction: 400 with the
 * database's code for a malformed op, 404 `attempt_not_found` (also for
 * another user's attempt), 409 `attempt_expired` | `attempt_closed` |
 * `attempt_paused`.
 *
 * @module
 */

import { type Db, getDb } from "../_shared/db.ts";
import { toHttpError } from "../_shared/errors.ts";
import { json, serveHandler } from "../_shared/http.ts";
import { authenticate, type JwtKeys, requireUser } from "../_shared/jwt.ts";
import { MAX_SYNC_BODY_BYTES } from "../../types/sync.ts";
import { applyOps } from "./apply_ops.ts";
import { parseJsonBytes, readBodyBytes } from "./body.ts";
import { getSyncSettings, type RateLimit } from "./config.ts";
import { rateLimited, takeRateLimit } from "./rate_limit.ts";
import { recordSyncError } from "./record_error.ts";
import { describeBatch, parseSyncRequest } from "./validate.ts";

/** Options of {@linkcode createAttemptSyncHandler}; defaults come from the environment. */
export interface AttemptSyncOptions {
  /** The database; default the shared one of `SUPABASE_DB_URL`. */
  db?: Db;
  /** Keys verifying tokens; default from the environment. */
  keys?: JwtKeys;
  /** Per-user limit; default `ATTEMPT_SYNC_RATE_LIMIT` per `ATTEMPT_SYNC_RATE_WINDOW_SECONDS`. */
  rateLimit?: RateLimit;
  /** Largest body in bytes; default 256 KiB. */
  maxBodyBytes?: number;
}

/**
 * Creates the `attempt-sync` handler.
 *
 * @example
 * ```ts
 * const handler = createAttemptSyncHandler({ rateLimit: { limit: 5, windowSeconds: 10 } });
 * Deno.serve(handler);
 * ```
 */
export function createAttemptSyncHandler(
  options: AttemptSyncOptions = {},
): (request: Request) => Promise<Response> {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_SYNC_BODY_BYTES;
  return serveHandler(async (request) => {
    const db = options.db ?? getDb();
    const rateLimit = options.rateLimit ?? getSyncSettings().rateLimit;
    const claims = requireUser(await authenticate(request, { keys: options.keys }));

    const decision = await takeRateLimit(db, `attempt-sync:${claims.sub}`, rateLimit);
    if (!decision.allowed) throw rateLimited(decision, rateLimit);

    let attemptId: string | undefined;
    let opCount = 0;
    try {
      const body = parseJsonBytes(await readBodyBytes(request, maxBodyBytes));
      ({ attemptId, opCount } = describeBatch(body));
      const batch = parseSyncRequest(body);
      return json(await applyOps(db, claims, request, batch));
    } catch (error) {
      const httpError = toHttpError(error);
      if (attemptId !== undefined && httpError.status >= 400 && httpError.status < 500) {
        await recordSyncError(db, { attemptId, userId: claims.sub, code: httpError.code, opCount });
      }
      throw httpError;
    }
  }, { methods: ["POST"] });
}
