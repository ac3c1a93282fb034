/**
 * `attempt-sync`: `POST` a batch of ops `{ attemptId, clientId, ops }` for one
 * of the caller's attempts; it is applied in one transaction as the caller
 * and answered with per-op results, the attempt's status, the server's clock
 * and the remaining time. Logic in `./handler.ts`; shapes in `types/sync.ts`.
 *
 * @module
 */

import { getConfig } from "../_shared/env.ts";
import { getSyncSettings } from "./config.ts";
import { createAttemptSyncHandler } from "./handler.ts";

const attemptSync = createAttemptSyncHandler();

/**
 * Answers `POST /attempt-sync`.
 *
 * @example
 * ```ts
 * const response = await handler(new Request("http://localhost/attempt-sync", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
 *   body: JSON.stringify({ attemptId, clientId: "tab-1", ops: [] }),
 * }));
 * await response.json(); // { results: [], status: "in_progress", serverNow, deadlineAt, remainingMs }
 * ```
 */
export function handler(request: Request): Promise<Response> {
  return attemptSync(request);
}

if (import.meta.main) {
  getConfig(); // fail fast on a bad environment
  getSyncSettings();
  Deno.serve(handler);
}
