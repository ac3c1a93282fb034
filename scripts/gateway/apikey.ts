/**
 * The API gateway's key check, as hosted Supabase's gateway does it in front of
 * `/auth/v1` and `/rest/v1`: an `apikey` header (or `apikey` query parameter) holding
 * the project's anon or service_role key is required.
 *
 * @module
 */

import { HttpError } from "../../functions/_shared/errors.ts";
import { type JwtClaims, type JwtKeys, verifyJwt } from "../../functions/_shared/jwt.ts";

/**
 * Verifies the request's API key and returns its claims (role `anon` or `service_role`).
 *
 * @example
 * ```ts
 * const key = await requireApiKey(request, { jwtSecret });
 * key.role; // "anon"
 * ```
 * @throws {HttpError} 401 `No API key found in request` or `Invalid API key`, the
 * gateway's own messages.
 */
export async function requireApiKey(request: Request, keys: JwtKeys): Promise<JwtClaims> {
  const apikey = request.headers.get("apikey") ?? new URL(request.url).searchParams.get("apikey");
  if (!apikey) {
    throw new HttpError(401, {
      code: "no_api_key",
      message: "No API key found in request",
      hint: "No `apikey` request header or url param was found.",
    });
  }
  let claims: JwtClaims;
  try {
    claims = await verifyJwt(apikey, { keys });
  } catch (error) {
    throw invalidApiKey(error);
  }
  if (claims.role !== "anon" && claims.role !== "service_role") throw invalidApiKey();
  return claims;
}

function invalidApiKey(cause?: unknown): HttpError {
  return new HttpError(401, {
    code: "invalid_api_key",
    message: "Invalid API key",
    hint: "Double check your Supabase `anon` or `service_role` API key.",
    cause,
  });
}

/**
 * The gateway's error body: `{ message, hint }` only (it is not PostgREST or GoTrue).
 *
 * @example
 * ```ts
 * gatewayError(new HttpError(401, { code: "no_api_key", message: "No API key found in request" }));
 * ```
 */
export function gatewayError(error: HttpError): Response {
  const body: Record<string, string> = { message: error.message };
  if (error.hint) body.hint = error.hint;
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}
