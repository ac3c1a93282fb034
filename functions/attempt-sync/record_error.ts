/**
 * Records batches `attempt-sync` refused in `private.sync_batches`, so
 * `get_realtime_performance_metrics` counts them as errors.
 *
 * @module
 */

import type { Db } from "../_shared/db.ts";

/** A refused batch. */
export interface RefusedBatch {
  attemptId: string;
  /** The caller: only their own attempt is recorded against. */
  userId: string;
  /** The error's stable code, such as `invalid_request` or `attempt_expired`. */
  code: string;
  opCount: number;
}

/**
 * Records a refused batch, best-effort: a failure is logged and swallowed so
 * it never hides the error the caller gets. Nothing is written when the
 * attempt does not exist or is not the caller's.
 *
 * @example
 * ```ts
 * await recordSyncError(db, { attemptId, userId: claims.sub, code: "attempt_expired", opCount: 3 });
 * ```
 */
export async function recordSyncError(db: Db, batch: RefusedBatch): Promise<void> {
  try {
    await db.sql`
      select private.record_sync_error(
        ${batch.attemptId}::uuid, ${batch.code}, ${batch.opCount}::integer, ${batch.userId}::uuid
      )
    `;
  } catch (error) {
    console.error("attempt-sync: cannot record a refused batch:", error);
  }
}
