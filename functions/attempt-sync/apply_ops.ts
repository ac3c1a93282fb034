/**
 * Applies a validated batch with `public.apply_attempt_ops`, in one
 * transaction as the caller (exactly as PostgREST would run the RPC).
 *
 * @module
 */

import type { Db } from "../_shared/db.ts";
import { HttpError, isPostgresError } from "../_shared/errors.ts";
import type { UserClaims } from "../_shared/jwt.ts";
import type { AttemptStatus, OpResult, SyncRequest, SyncResponse } from "../../types/sync.ts";

interface OutcomeRow {
  results: OpResult[];
  status: AttemptStatus;
  server_now: Date;
  deadline_at: Date;
  remaining_ms: string | number;
}

/**
 * Runs the batch as the caller and returns the response body.
 *
 * @example
 * ```ts
 * const body = await applyOps(db, claims, request, batch);
 * body.results[0]?.status; // "applied"
 * ```
 * @throws {HttpError} 400 with the database's stable code (from the `hint` of
 * a `22023` error) for a malformed op; the database's own errors otherwise
 * (`attempt_not_found` 404, `attempt_expired` 409, ...), mapped by the shared
 * error mapping.
 */
export async function applyOps(
  db: Db,
  claims: UserClaims,
  request: Request,
  batch: SyncRequest,
): Promise<SyncResponse> {
  let row: OutcomeRow | undefined;
  try {
    // The typed results (public.attempt_op_result[], which the driver does not
    // parse) as the JSON the response has always carried: each result holds the
    // fields its op has, a null field left out, except that a conflict (and its
    // replay) always carries conflict_id and server_value, null when no conflict
    // was opened or the server held no value.
    [row] = await db.withUser(claims, request, (sql) =>
      sql<OutcomeRow[]>`
        select coalesce((
            select jsonb_agg((
                select jsonb_object_agg(f.key, f.value)
                from jsonb_each(to_jsonb(o.results[i])) as f
                where f.value <> 'null'::jsonb
                  or (f.key in ('conflict_id', 'server_value')
                    and coalesce(o.results[i].first_status, o.results[i].status) = 'conflict')
              ) order by i)
            from generate_subscripts(o.results, 1) as i
          ), '[]'::jsonb) as results,
          o.status, o.server_now, o.deadline_at, o.remaining_ms
        from public.apply_attempt_ops(
          ${batch.attemptId}::uuid, ${sql.json(batch.ops)}, ${batch.clientId}
        ) as o
      `);
  } catch (error) {
    throw withHintAsCode(error);
  }
  if (row === undefined) throw new Error("apply_attempt_ops returned no row");
  return {
    results: row.results,
    status: row.status,
    serverNow: row.server_now.toISOString(),
    deadlineAt: row.deadline_at.toISOString(),
    remainingMs: Number(row.remaining_ms),
  };
}

/**
 * A `22023` (invalid parameter) error whose `hint` holds a stable code, such
 * as `question_not_in_exam`, as a 400 with that code; the JSON `detail`
 * (`{op_index, op_id, code}`) becomes `details`. Anything else is returned as is.
 *
 * @example
 * ```ts
 * try { await run(); } catch (error) { throw withHintAsCode(error); }
 * ```
 */
export function withHintAsCode(error: unknown): unknown {
  if (!isPostgresError(error) || error.code !== "22023") return error;
  const code = error.hint;
  if (code === undefined || !/^[a-z][a-z0-9_]{0,62}$/.test(code)) return error;
  return new HttpError(400, {
    code,
    message: error.message,
    details: parseDetail(error.detail),
    cause: error,
  });
}

function parseDetail(detail: string | undefined): unknown {
  if (detail === undefined || detail === "") return undefined;
  try {
    return JSON.parse(detail);
  } catch {
    return detail;
  }
}
