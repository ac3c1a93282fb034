/**
 * The frame of every edge function: CORS preflight first, allowed methods,
 * then the function's logic, and thrown errors turned into JSON responses by
 * {@linkcode errorResponse}.
 *
 * @module
 */

import type { z } from "zod";
import { answerPreflight, withCors } from "./cors.ts";
import { type ErrorMappingOptions, errorResponse, HttpError } from "./errors.ts";

/** A function's logic: a request in, a response out; it may throw. */
export type Handler = (request: Request) => Response | Promise<Response>;

/** Options of {@linkcode serveHandler}. */
export interface ServeHandlerOptions {
  /** Allowed methods (besides `OPTIONS`); others get 405. Default: all. */
  methods?: readonly string[];
  /** How thrown errors become responses; see {@linkcode errorResponse}. */
  errors?: ErrorMappingOptions;
}

/**
 * Wraps a function's logic: answers `OPTIONS` preflight, refuses other
 * methods with 405, adds CORS headers, drops the body of `HEAD` responses,
 * and turns anything thrown into a JSON error response.
 *
 * @example
 * ```ts
 * export const handler = serveHandler(() => json({ hello: "world" }), { methods: ["GET"] });
 * if (import.meta.main) Deno.serve(handler);
 * ```
 */
export function serveHandler(
  handler: Handler,
  options: ServeHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const methods = options.methods?.map((method) => method.toUpperCase());
  return async function handle(request: Request): Promise<Response> {
    const preflight = answerPreflight(request);
    if (preflight) return preflight;
    let response: Response;
    try {
      if (methods !== undefined && !methods.includes(request.method)) {
        throw methodNotAllowed(request.method, methods);
      }
      response = await handler(request);
    } catch (error) {
      response = errorResponse(error, options.errors);
    }
    if (request.method === "HEAD" && response.body !== null) {
      await response.body.cancel();
      response = new Response(null, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    return withCors(response);
  };
}

/**
 * A JSON response (`content-type: application/json; charset=utf-8`).
 *
 * @example
 * ```ts
 * return json({ status: "ok" });
 * return json({ status: "error" }, { status: 503 });
 * ```
 */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/**
 * Reads a JSON request body, validated with a zod schema when one is given.
 *
 * @example
 * ```ts
 * const body = await readJson(request, { schema: z.object({ attempt_id: z.uuid() }) });
 * ```
 * @throws {HttpError} 400 `invalid_json` for a body that is not JSON; a
 * `ZodError` (answered as 400 `invalid_request`) when the schema refuses it.
 */
export async function readJson<T = unknown>(
  request: Request,
  options: { schema?: z.ZodType<T> } = {},
): Promise<T> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch (error) {
    throw new HttpError(400, {
      code: "invalid_json",
      message: "Cannot read request body: it is not valid JSON",
      cause: error,
    });
  }
  return options.schema ? options.schema.parse(body) : body as T;
}

/**
 * The 405 error for a method a function does not serve.
 *
 * @example
 * ```ts
 * throw methodNotAllowed("DELETE", ["GET", "POST"]);
 * ```
 */
export function methodNotAllowed(method: string, allowed: readonly string[]): HttpError {
  return new HttpError(405, {
    code: "method_not_allowed",
    message: `Cannot handle ${method} request: allowed methods are ${allowed.join(", ")}`,
    headers: { allow: [...allowed, "OPTIONS"].join(", ") },
  });
}
