/**
 * CORS for browser clients (supabase-js `functions.invoke()`, EventSource).
 *
 * @module
 */

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
  "access-control-allow-headers":
    "authorization, x-client-info, apikey, content-type, last-event-id",
  "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
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
  return new Response(null, { status: 204, headers: corsHeaders });
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
