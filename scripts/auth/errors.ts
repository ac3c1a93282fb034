/**
 * GoTrue's error shape, `{ code, error_code, msg }` with the HTTP status in `code`,
 * and the one place turning anything thrown in the Auth stand-in into it.
 *
 * @module
 */

import { toHttpError } from "../../functions/_shared/errors.ts";

/** An error answered as GoTrue answers it. */
export class AuthError extends Error {
  override name = "AuthError";
  readonly status: number;
  readonly errorCode: string;
  readonly extra?: Record<string, unknown>;
  readonly headers?: HeadersInit;

  constructor(
    status: number,
    errorCode: string,
    msg: string,
    options: { extra?: Record<string, unknown>; headers?: HeadersInit } = {},
  ) {
    super(msg);
    this.status = status;
    this.errorCode = errorCode;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

/**
 * The answer to a GoTrue feature the stand-in does not serve: 400 `not_implemented`
 * naming it. Not 501: auth-js turns every 5xx into a retryable network error and
 * drops the body, so the client would never see which feature it was.
 *
 * @example
 * ```ts
 * throw notImplemented("POST /otp (magic links and one-time passwords)");
 * ```
 */
export function notImplemented(feature: string): AuthError {
  return new AuthError(
    400,
    "not_implemented",
    `The local Auth stand-in does not support ${feature}`,
  );
}

/**
 * Turns anything thrown into GoTrue's error response; database errors and bugs
 * become 500 `unexpected_failure` (503 when the database is unreachable).
 *
 * @example
 * ```ts
 * return authErrorResponse(new AuthError(400, "invalid_credentials", "Invalid login credentials"));
 * ```
 */
export function authErrorResponse(error: unknown): Response {
  let authError: AuthError;
  if (error instanceof AuthError) {
    authError = error;
  } else {
    const http = toHttpError(error);
    console.error("auth stand-in:", error);
    authError = http.status === 503
      ? new AuthError(503, "database_unavailable", http.message)
      : new AuthError(
        500,
        "unexpected_failure",
        "Unexpected failure, please check server logs for more information",
      );
  }
  const headers = new Headers(authError.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("x-sb-error-code", authError.errorCode);
  return new Response(
    JSON.stringify({
      code: authError.status,
      error_code: authError.errorCode,
      msg: authError.message,
      ...authError.extra,
    }),
    { status: authError.status, headers },
  );
}
