/**
 * Validation of an `attempt-sync` body with the shared zod schemas, turned into
 * 400 errors that name what is wrong.
 *
 * @module
 */

import type { z } from "zod";
import { HttpError } from "../_shared/errors.ts";
import {
  MAX_OPS_PER_BATCH,
  type SyncRequest,
  SyncRequestSchema,
  UuidSchema,
} from "../../types/sync.ts";

/**
 * Validates a parsed JSON body as a {@linkcode SyncRequest}.
 *
 * @example
 * ```ts
 * const batch = parseSyncRequest(JSON.parse(text));
 * batch.ops.length; // at most 200
 * ```
 * @throws {HttpError} 400 `too_many_ops` for more than 200 ops; 400
 * `invalid_request` naming the path of the first issue, with every issue in
 * `details`.
 */
export function parseSyncRequest(body: unknown): SyncRequest {
  const { opCount } = describeBatch(body);
  if (opCount > MAX_OPS_PER_BATCH) {
    throw new HttpError(400, {
      code: "too_many_ops",
      message:
        `Cannot accept request: a batch holds at most ${MAX_OPS_PER_BATCH} ops, this one has ${opCount}`,
      details: { maxOps: MAX_OPS_PER_BATCH, opCount },
    });
  }
  const parsed = SyncRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  return parsed.data;
}

/** What can be told of a body before it is validated. */
export interface BatchDescription {
  /** `attemptId` when it is a uuid. */
  attemptId?: string;
  /** How many ops the body holds (0 when `ops` is not an array). */
  opCount: number;
}

/**
 * The attempt id and op count of a body, whatever else is wrong with it, so a
 * refused batch can be recorded against its attempt.
 *
 * @example
 * ```ts
 * describeBatch({ attemptId: "not a uuid", ops: [1, 2] }); // { attemptId: undefined, opCount: 2 }
 * ```
 */
export function describeBatch(body: unknown): BatchDescription {
  if (typeof body !== "object" || body === null) return { opCount: 0 };
  const { attemptId, ops } = body as { attemptId?: unknown; ops?: unknown };
  return {
    attemptId: UuidSchema.safeParse(attemptId).success ? attemptId as string : undefined,
    opCount: Array.isArray(ops) ? ops.length : 0,
  };
}

/**
 * A path of a zod issue as written in code: `ops[3].question_id`, or `body`
 * for the body itself.
 *
 * @example
 * ```ts
 * formatIssuePath(["ops", 3, "question_id"]); // "ops[3].question_id"
 * ```
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "body" : text;
}

function invalidRequest(issues: readonly z.core.$ZodIssue[]): HttpError {
  const first = issues[0];
  const where = first ? formatIssuePath(first.path) : "body";
  return new HttpError(400, {
    code: "invalid_request",
    message: `Cannot accept request: ${where}: ${first?.message ?? "the input is invalid"}`,
    details: issues,
  });
}
