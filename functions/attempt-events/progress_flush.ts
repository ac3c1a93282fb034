/**
 * Session progress is announced at most once per student per second; a save
 * inside a student's window leaves a marker (`private.pending_progress`) that
 * must be announced once the window has closed. Hosted pg_cron (1.5 and later)
 * runs `private.flush_pending_progress()` every second; older pg_cron (1.4 on
 * the local stack) only every minute. So while a hub's feed runs (some stream
 * is open), the hub runs it every second too. Markers are taken with `skip
 * locked`, so any number of instances flush each exactly once.
 *
 * @module
 */

import { type Db, DatabaseUnavailableError } from "../_shared/db.ts";

/**
 * Runs `private.flush_pending_progress()` every `intervalMs` (one at a time)
 * until the returned function is called.
 *
 * @example
 * ```ts
 * const stop = startProgressFlush(getDb());
 * // …
 * stop();
 * ```
 */
export function startProgressFlush(db: Db, intervalMs = 1000): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function tick(): Promise<void> {
    try {
      await db.withOwner((sql) => sql`select private.flush_pending_progress()`);
    } catch (error) {
      // While the database is away the feed reconnects and this simply tries again.
      if (!(error instanceof DatabaseUnavailableError)) {
        console.error("attempt-events: cannot flush pending progress:", error);
      }
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  }
  timer = setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
