/**
 * `health`: is the database reachable, which migration is the latest, and
 * (service role only) cron jobs and row counts. Logic in `./check.ts`.
 *
 * @module
 */

import { getConfig } from "../_shared/env.ts";
import { createHealthHandler } from "./check.ts";

const health = createHealthHandler();

/**
 * Answers `GET`/`HEAD /health`.
 *
 * @example
 * ```ts
 * const response = await handler(new Request("http://localhost/health"));
 * await response.json(); // { status: "ok", database: "ok", migration: "20261122110000" }
 * ```
 */
export function handler(request: Request): Promise<Response> {
  return health(request);
}

if (import.meta.main) {
  getConfig(); // fail fast on a bad environment
  Deno.serve(handler);
}
