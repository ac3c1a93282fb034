/**
 * CORS for browser clients (supabase-js `from()`, `rpc()`, `auth`,
 * `functions.invoke()`, EventSource), answered as the hosted API gateway does:
 * any origin, every header supabase-js and its sub-clients send, and the
 * response headers a client reads (`Content-Range` for counts, `Retry-After`,
 * `X-Request-Id`) exposed.
 *
 * @module
 */

/** Request headers supabase-js (postgrest-js, auth-js, functions-js, storage-js) may send. */
export const ALLOWED_HEADERS: readonly string[] = Object.freeze([
  "authorization",
  "x-client-info",
  "apikey",
  "content-type",
  "content-profile",
  "accept-profile",
  "prefer",
  "range",
  "range-unit",
  "x-retry-count",
  "x-supabase-api-version",
  "x-region",
  "x-upsert",
  "accept",
  "accept-language",
  "content-language",
  "cache-control",
  "if-match",
  "if-none-match",
  "last-event-id",
  "baggage",
  "sentry-trace",
  "traceparent",
  "tracestate",
]);

/** Response headers a browser client may read. */
export const EXPOSED_HEADERS: readonly string[] = Object.freeze([
  "content-range",
  "content-profile",
  "preference-applied",
  "range-unit",
  "retry-after",
  "x-request-id",
  "x-sb-error-code",
  "x-supabase-api-version",
  "location",
  "proxy-status",
]);

/**
 * Headers every response carries.
 *
 * @example
 * ```ts
 * new Response("ok", { headers: corsHeaders });
 * ```
 */
export const corsHeaders: Readonly<Record<string, string>> = Object.freeze({
  "access-control-allow-origin": "*",
  "access-control-allow-headers": ALLOWED_HEADERS.join(", "),
  "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
  "access-control-expose-headers": EXPOSED_HEADERS.join(", "),
  "access-control-max-age": "86400",
});

/**
 * Answers a CORS preflight (`OPTIONS`) with 204, or returns `undefined` for
 * any other request. Call it first in a handler.
 *
 * @example
 * ```ts
 * const preflight = answerPreflight(request);
 * if (preflight) return preflight;
 * ```
 */
export function answerPreflight(request: Request): Response | undefined {
  if (request.method !== "OPTIONS") return undefined;
  const headers = new Headers(corsHeaders);
  // Headers an app adds of its own are allowed too, as the gateway allows them.
  const requested = request.headers.get("access-control-request-headers");
  if (requested) {
    const names = new Set(ALLOWED_HEADERS);
    for (const name of requested.split(",")) {
      const trimmed = name.trim().toLowerCase();
      if (/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(trimmed)) names.add(trimmed);
    }
    headers.set("access-control-allow-headers", [...names].join(", "));
  }
  return new Response(null, { status: 204, headers });
}

/**
 * Adds {@linkcode corsHeaders} to a response, copying it when its headers are
 * immutable (a streamed body is kept as is).
 *
 * @example
 * ```ts
 * return withCors(json({ ok: true }));
 * ```
 */
export function withCors(response: Response): Response {
  try {
    for (const [name, value] of Object.entries(corsHeaders)) response.headers.set(name, value);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(corsHeaders)) headers.set(name, value);
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
}
