/**
 * One `attempt-sync` request and what came of it, told apart so the queue knows
 * whether to acknowledge, retry, drop one op or stop.
 *
 * @module
 */

import { type ErrorBody, type SyncRequest, type SyncResponse, SyncResponseSchema } from "../../types/sync.ts";
import { parseRetryAfter } from "./backoff.ts";

/** `fetch` as the SDK calls it. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** What one request came to. */
export type SyncOutcome =
  | { kind: "ok"; body: SyncResponse; sentAt: number; receivedAt: number }
  | { kind: "http"; status: number; error: ErrorBody; retryAfterMs?: number }
  | { kind: "network"; message: string };

/** Options of {@linkcode postSync}. */
export interface PostSyncOptions {
  fetch: Fetch;
  url: string;
  now: () => number;
  timeoutMs: number;
  /** Timers for the timeout (default the platform's). */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** For page hide: the browser finishes the request after the page is gone (bodies ≤ 64 KB). */
  keepalive?: boolean;
}

/**
 * POSTs a batch; never throws.
 *
 * @example
 * ```ts
 * const outcome = await postSync(batch, { fetch, url: `${functionsUrl}/attempt-sync`, now: Date.now, timeoutMs: 15_000 });
 * if (outcome.kind === "ok") outcome.body.results.length;
 * ```
 */
export async function postSync(batch: SyncRequest, options: PostSyncOptions): Promise<SyncOutcome> {
  const body = JSON.stringify(batch);
  const controller = new AbortController();
  const setTimer = options.setTimeout ?? ((callback: () => void, ms: number) => globalThis.setTimeout(callback, ms));
  const clearTimer = options.clearTimeout ??
    ((handle: unknown) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>));
  const timer = setTimer(() => controller.abort(new Error("attempt-sync did not answer in time")), options.timeoutMs);
  const sentAt = options.now();
  try {
    const response = await options.fetch(options.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: controller.signal,
      keepalive: options.keepalive === true && body.length < 60_000,
    });
    const text = await response.text();
    const receivedAt = options.now();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.status === 200) {
      const parsed = SyncResponseSchema.safeParse(json);
      if (parsed.success) return { kind: "ok", body: parsed.data, sentAt, receivedAt };
      return { kind: "network", message: "attempt-sync answered 200 with a body that is not a sync response" };
    }
    const error = toErrorBody(json, response.status, text);
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), options.now());
    return { kind: "http", status: response.status, error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  } catch (error) {
    return { kind: "network", message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimer(timer);
  }
}

function toErrorBody(json: unknown, status: number, text: string): ErrorBody {
  const candidate = json as Partial<ErrorBody> | undefined;
  if (candidate !== null && typeof candidate === "object" && typeof candidate.code === "string") {
    return {
      code: candidate.code,
      message: typeof candidate.message === "string" ? candidate.message : candidate.code,
      ...(candidate.details === undefined ? {} : { details: candidate.details }),
      ...(typeof candidate.hint === "string" ? { hint: candidate.hint } : {}),
    };
  }
  return { code: `http_${status}`, message: text.slice(0, 200) || `HTTP ${status}` };
}

/**
 * The 0-based index, in the batch sent, of the op a 4xx error names: `details.op_index`
 * (1-based, as the server gives it), `details.op_id`, or the first zod issue's path
 * `ops[i]`; `undefined` when the error names no op.
 *
 * @example
 * ```ts
 * opIndexOf({ code: "invalid_text", message: "", details: { op_index: 2, op_id: "x" } }, ops); // 1
 * ```
 */
export function opIndexOf(error: ErrorBody, ops: readonly { op_id: string }[]): number | undefined {
  const details = error.details as Record<string, unknown> | unknown[] | undefined;
  if (details !== null && typeof details === "object" && !Array.isArray(details)) {
    if (typeof details.op_id === "string") {
      const index = ops.findIndex((op) => op.op_id === details.op_id);
      if (index >= 0) return index;
    }
    const opIndex = details.op_index;
    if (typeof opIndex === "number" && Number.isInteger(opIndex) && opIndex >= 1 && opIndex <= ops.length) {
      return opIndex - 1;
    }
  }
  if (Array.isArray(details)) {
    const path = (details[0] as { path?: unknown[] } | undefined)?.path;
    if (Array.isArray(path) && path[0] === "ops" && typeof path[1] === "number" && path[1] < ops.length) {
      return path[1];
    }
  }
  return undefined;
}
