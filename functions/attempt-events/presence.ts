/**
 * Online status from open streams: while a stream of a room topic is open, the
 * caller counts as online. Each touch is a heartbeat in Postgres
 * (`public.update_presence`, as the caller), so every function instance and
 * the database agree on who is online; nothing is kept in memory.
 *
 * @module
 */

import type { Db } from "../_shared/db.ts";
import type { UserClaims } from "../_shared/jwt.ts";

/** Options of {@linkcode presenceToucher}. */
export interface PresenceOptions {
  db: Db;
  claims: UserClaims;
  /** The stream's request (its settings reach the database as PostgREST's do). */
  request: Request;
}

/**
 * A function that records a heartbeat of the stream's user; calls made while
 * one is still running are skipped, and failures are logged (a stream never
 * ends because presence could not be written).
 *
 * @example
 * ```ts
 * const touch = presenceToucher({ db, claims, request });
 * touch(); // the user is online for the next 60 s
 * ```
 */
export function presenceToucher(options: PresenceOptions): () => void {
  let running = false;
  return () => {
    if (running) return;
    running = true;
    options.db.withUser(
      options.claims,
      options.request,
      (sql) => sql`select 1 from public.update_presence('online')`,
      { readOnly: false },
    ).catch((error) => {
      console.error("attempt-events: cannot record presence:", error);
    }).finally(() => {
      running = false;
    });
  };
}

/**
 * Whether streams of a topic keep their user online: room topics.
 *
 * @example
 * ```ts
 * tracksPresence("room:0b7c…"); // true
 * ```
 */
export function tracksPresence(topic: string): boolean {
  return topic.startsWith("room:");
}
