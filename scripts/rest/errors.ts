/**
 * PostgREST's error body, `{ code, details, hint, message }` with every key present,
 * and its own `PGRSTxxx` errors; Postgres errors map to statuses as PostgREST maps
 * them (functions/_shared/errors.ts).
 *
 * @module
 */

import { HttpError, toHttpError } from "../../functions/_shared/errors.ts";

/**
 * A PostgREST error with its status.
 *
 * @example
 * ```ts
 * throw pgrstError(400, "PGRST100", "\"failed to parse filter (eqq.1)\" (line 1, column 1)");
 * ```
 */
export function pgrstError(
  status: number,
  code: string,
  message: string,
  options: { details?: unknown; hint?: string } = {},
): HttpError {
  return new HttpError(status, { code, message, details: options.details, hint: options.hint });
}

/**
 * The 501 of a PostgREST feature the stand-in does not serve, naming it.
 *
 * @example
 * ```ts
 * throw unsupported("spread embedding (...relation)");
 * ```
 */
export function unsupported(feature: string): HttpError {
  return new HttpError(501, {
    code: "PGRST501",
    message: `The local REST stand-in does not support ${feature}`,
    hint: "Run against a hosted Supabase project, or avoid this feature locally",
  });
}

/**
 * The one place turning anything thrown by the REST stand-in into PostgREST's
 * JSON error response.
 *
 * @example
 * ```ts
 * return restErrorResponse(error);
 * ```
 */
export function restErrorResponse(error: unknown): Response {
  const http = toHttpError(error);
  if (http.status >= 500 && http.status !== 501) {
    console.error(`rest stand-in [${http.status} ${http.code}]`, http.cause ?? http);
  }
  const headers = new Headers(http.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  if (http.code.startsWith("PGRST")) headers.set("proxy-status", `PostgREST; error=${http.code}`);
  const body = {
    code: http.code,
    details: http.details ?? null,
    hint: http.hint ?? null,
    message: http.message,
  };
  return new Response(JSON.stringify(body), { status: http.status, headers });
}
