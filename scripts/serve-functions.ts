/**
 * The local edge-functions server: every `functions/<name>/index.ts` (folders
 * not starting with `_`) served at `http://127.0.0.1:$FUNCTIONS_PORT/functions/v1/<name>`,
 * the path supabase-js uses. As on hosted Supabase, a function sees its
 * request path without the `/functions/v1` prefix (`/<name>/...`). It also
 * stands in for the Auth API at `/auth/v1` (scripts/auth/) and PostgREST at
 * `/rest/v1` (scripts/rest/), so supabase-js' `auth`, `from()` and `rpc()` work
 * locally. Every response carries the gateway's CORS headers and an `X-Request-Id`.
 *
 * ```sh
 * FUNCTIONS_PORT=54321 SUPABASE_DB_URL=... JWT_SECRET=... \
 *   deno run --allow-all --config functions/deno.json scripts/serve-functions.ts
 * ```
 *
 * @module
 */

import { answerPreflight, withCors } from "../functions/_shared/cors.ts";
import { closeDb, getDb } from "../functions/_shared/db.ts";
import { getConfig } from "../functions/_shared/env.ts";
import { errorResponse } from "../functions/_shared/errors.ts";
import { json } from "../functions/_shared/http.ts";
import { AUTH_PREFIX, createAuthHandler } from "./auth/handler.ts";
import { signerFromEnv } from "./auth/keys.ts";
import { createRestHandler, REST_PREFIX } from "./rest/handler.ts";
import { createDemoHandler, DEMO_PREFIX } from "./demo-static.ts";

/** A function's exported handler. */
export type FunctionHandler = (request: Request) => Response | Promise<Response>;

const PREFIX = "/functions/v1/";
const SHUTDOWN_GRACE_MS = 5000;

/**
 * Imports the `handler` of every `<dir>/<name>/index.ts` whose folder does not
 * start with `_` or `.`.
 *
 * @example
 * ```ts
 * const functions = await loadFunctions(new URL("../functions/", import.meta.url));
 * [...functions.keys()]; // ["health"]
 * ```
 * @throws {Error} when an `index.ts` does not export a `handler` function.
 */
export async function loadFunctions(dir: URL): Promise<Map<string, FunctionHandler>> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory || entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
    if (await isFile(new URL(`${entry.name}/index.ts`, dir))) names.push(entry.name);
  }
  names.sort();
  const functions = new Map<string, FunctionHandler>();
  for (const name of names) {
    const module = await import(new URL(`${name}/index.ts`, dir).href) as { handler?: unknown };
    if (typeof module.handler !== "function") {
      throw new Error(`Cannot load function ${name}: index.ts does not export a handler`);
    }
    functions.set(name, module.handler as FunctionHandler);
  }
  return functions;
}

/** Options of {@linkcode createRouter}. */
export interface RouterOptions {
  /** Receives one line per request; default `console.log`. */
  log?: (line: string) => void;
  /** Serves `/auth/v1/*` (the Auth stand-in); 404 when absent. */
  auth?: FunctionHandler;
  /** Serves `/rest/v1/*` (the PostgREST stand-in); 404 when absent. */
  rest?: FunctionHandler;
  /** Serves `/demo/*` (the demo pages); 404 when absent. */
  demo?: FunctionHandler;
}

/**
 * Routes `/functions/v1/<name>` and `/functions/v1/<name>/*` to the function's
 * handler with the path rewritten to `/<name>...`; anything else is 404
 * `function_not_found`.
 *
 * @example
 * ```ts
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 54321 }, createRouter(functions));
 * ```
 */
export function createRouter(
  functions: ReadonlyMap<string, FunctionHandler>,
  options: RouterOptions = {},
): (request: Request) => Promise<Response> {
  const log = options.log ?? console.log;
  return async function route(request: Request): Promise<Response> {
    const started = performance.now();
    const url = new URL(request.url);
    let response: Response;
    try {
      response = await dispatch(functions, request, url, options);
    } catch (error) {
      response = withCors(errorResponse(error));
    }
    response = withRequestId(response);
    const ms = (performance.now() - started).toFixed(1);
    log(`${request.method} ${url.pathname} ${response.status} ${ms}ms`);
    return response;
  };
}

function withRequestId(response: Response): Response {
  const id = crypto.randomUUID();
  try {
    response.headers.set("x-request-id", id);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set("x-request-id", id);
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
}

function isUnder(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

async function dispatch(
  functions: ReadonlyMap<string, FunctionHandler>,
  request: Request,
  url: URL,
  options: RouterOptions,
): Promise<Response> {
  for (
    const [prefix, handler] of [[AUTH_PREFIX, options.auth], [REST_PREFIX, options.rest]] as const
  ) {
    if (handler && isUnder(url.pathname, prefix)) {
      return answerPreflight(request) ?? withCors(await handler(request));
    }
  }
  if (options.demo && isUnder(url.pathname, DEMO_PREFIX)) return options.demo(request);
  const rest = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : undefined;
  const slash = rest?.indexOf("/") ?? -1;
  const name = slash === -1 ? rest : rest?.slice(0, slash);
  const handler = name ? functions.get(name) : undefined;
  if (rest === undefined || name === undefined || handler === undefined) {
    return withCors(json({
      code: "function_not_found",
      message: name
        ? `Cannot find function: ${name} is not served here`
        : `Cannot find function: paths start with ${PREFIX}<name>`,
    }, { status: 404 }));
  }
  const target = new URL(url);
  target.pathname = `/${rest}`;
  return handler(new Request(target, request));
}

async function isFile(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function readPort(value: string | undefined): number {
  const port = Number(value ?? "54321");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Cannot start functions server: FUNCTIONS_PORT ${value} is not a port number`);
  }
  return port;
}

/** The demo pages when `DEMO_ANON_KEY` is set (`npm run dev` sets it). */
function demoHandler(): FunctionHandler | undefined {
  const anonKey = Deno.env.get("DEMO_ANON_KEY");
  if (!anonKey) return undefined;
  return createDemoHandler({ root: new URL("../demo/", import.meta.url), config: { anonKey } });
}

async function main(): Promise<void> {
  getConfig(); // fail fast on a bad environment
  const port = readPort(Deno.env.get("FUNCTIONS_PORT"));
  const functions = await loadFunctions(new URL("../functions/", import.meta.url));
  const config = getConfig();
  const signer = await signerFromEnv(Deno.env.toObject());
  const keys = {
    jwtSecret: config.jwtSecret,
    jwks: signer.jwks.keys.length > 0 ? signer.jwks : undefined,
  };
  const issuer = `${config.supabaseUrl ?? `http://127.0.0.1:${port}`}${AUTH_PREFIX}`;
  const auth = createAuthHandler({ db: getDb(), signer, jwtSecret: config.jwtSecret, issuer });
  const rest = createRestHandler({ db: getDb(), keys });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: ({ hostname, port }) => {
      console.log(
        `Serving functions ${
          [...functions.keys()].join(", ")
        } at http://${hostname}:${port}${PREFIX}<name>`,
      );
    },
  }, createRouter(functions, { auth, rest, demo: demoHandler() }));

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    // Open streams (SSE) would hold shutdown forever: give them a grace period.
    const grace = setTimeout(() => {
      console.error(`Still busy after ${SHUTDOWN_GRACE_MS} ms: exiting`);
      Deno.exit(0);
    }, SHUTDOWN_GRACE_MS);
    await server.shutdown();
    await closeDb();
    clearTimeout(grace);
    Deno.exit(0);
  }
  Deno.addSignalListener("SIGTERM", () => void stop("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => void stop("SIGINT"));
  await server.finished;
}

if (import.meta.main) await main();
