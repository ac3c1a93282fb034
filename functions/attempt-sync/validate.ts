/**
 * Validation of an `attempt-sync` body with the shared zod schemas, turned into
 * 400 errors that name what is wrong.
 *
 * @module
 */

import type { z } from "zod";
import { HttpError } from "../_shared/errors.ts";
import {
  MAX_JSON_DEPTH,
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
 * `invalid_text` (a NUL or a lone surrogate) or `too_deeply_nested` (JSON
 * nested deeper than {@linkcode MAX_JSON_DEPTH}) when that is the first issue,
 * naming the op as the database does (`details`: `{ op_index, op_id, code,
 * path }`, `op_index` 1-based); else 400 `invalid_request` naming the path of
 * the first issue, with every issue in `details`.
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
  if (!parsed.success) throw invalidRequest(body, parsed.error.issues);
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

/** Codes a schema issue may carry in `params.code` that are answered as themselves. */
const ISSUE_CODES: ReadonlySet<string> = new Set(["invalid_text", "too_deeply_nested"]);

const ISSUE_REASONS: Record<string, string> = {
  invalid_text: "holds text Postgres cannot store (a NUL character or a lone surrogate)",
  too_deeply_nested: `nests JSON more than ${MAX_JSON_DEPTH} levels deep`,
};

function invalidRequest(body: unknown, issues: readonly z.core.$ZodIssue[]): HttpError {
  const first = issues[0];
  const where = first ? formatIssuePath(first.path) : "body";
  const code = first === undefined ? undefined : issueCode(first);
  if (first !== undefined && code !== undefined) return unstorableInput(body, first, code);
  return new HttpError(400, {
    code: "invalid_request",
    message: `Cannot accept request: ${where}: ${first?.message ?? "the input is invalid"}`,
    details: issues,
  });
}

function issueCode(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== "custom") return undefined;
  const code = (issue.params as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && ISSUE_CODES.has(code) ? code : undefined;
}

/**
 * The error for input Postgres cannot store. Inside an op it names the op as
 * `private.raise_invalid_op` does, so an offline queue can drop exactly that op.
 */
function unstorableInput(body: unknown, issue: z.core.$ZodIssue, code: string): HttpError {
  const path = issue.path;
  const reason = ISSUE_REASONS[code] ?? issue.message;
  if (path[0] === "ops" && typeof path[1] === "number") {
    const opIndex = path[1] + 1;
    const opId = opIdAt(body, path[1]);
    const inOp = formatIssuePath(path.slice(2));
    return new HttpError(400, {
      code,
      message: `Cannot apply op ${opIndex} (${opId ?? "no op_id"}): ${inOp} ${reason}`,
      details: { op_index: opIndex, op_id: opId ?? null, code, path: formatIssuePath(path) },
    });
  }
  const where = formatIssuePath(path);
  return new HttpError(400, {
    code,
    message: `Cannot accept request: ${where} ${reason}`,
    details: { code, path: where },
  });
}

function opIdAt(body: unknown, index: number): string | undefined {
  const ops = (body as { ops?: unknown } | null)?.ops;
  const opId = Array.isArray(ops) ? (ops[index] as { op_id?: unknown } | null)?.op_id : undefined;
  return UuidSchema.safeParse(opId).success ? opId as string : undefined;
}
