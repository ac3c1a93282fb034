/**
 * Live sessions from a student's side: join the lobby by code, then wait for the
 * teacher to launch (the attempt id arrives on the student's `user:` topic as
 * `session_attempt_started`).
 *
 * @module
 */

import type { Database } from "../../types/database.types.ts";
import { type EventsMode, subscribeTopic } from "./events.ts";
import type { SessionContext } from "./session.ts";

/** The participant row `join_exam_session` returns. */
export type SessionParticipant = Database["public"]["Functions"]["join_exam_session"]["Returns"];

/** Options of {@linkcode joinSession}. */
export interface JoinSessionOptions {
  events?: EventsMode | undefined;
}

/** A joined session. */
export interface JoinedSession {
  participant: SessionParticipant;
  /** Resolves with the attempt id once the session is launched (at once if it already runs). */
  waitForLaunch(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<string>;
  /** Stops listening. */
  close(): void;
}

/**
 * Joins a session's lobby by its code.
 *
 * @example
 * ```ts
 * const joined = await exam.sessions.join("K7QX2M");
 * const attempt = await exam.open(await joined.waitForLaunch());
 * ```
 */
export async function joinSession(
  ctx: SessionContext,
  joinCode: string,
  options: JoinSessionOptions = {},
): Promise<JoinedSession> {
  const { data, error } = await ctx.supabase.rpc("join_exam_session", { p_join_code: joinCode });
  if (error) throw Object.assign(new Error(`Cannot join session: ${error.message}`), { code: error.code, hint: error.hint });
  const participant = data as SessionParticipant;
  let launched: string | undefined = participant.attempt_id ?? undefined;
  const waiters = new Set<(attemptId: string) => void>();
  const subscription = launched !== undefined ? undefined : subscribeTopic({
    supabase: ctx.supabase,
    fetch: ctx.fetch,
    functionsUrl: ctx.functionsUrl,
    topic: `user:${participant.user_id}`,
    mode: options.events ?? "auto",
    scheduler: ctx.scheduler,
    random: ctx.random,
    onStatus: () => {},
    onEvent: (event) => {
      if (event.event !== "session_attempt_started" || event.payload.session_id !== participant.session_id) return;
      launched = String(event.payload.attempt_id);
      for (const waiter of waiters) waiter(launched);
    },
  });
  return {
    participant,
    close: () => subscription?.close(),
    waitForLaunch({ signal, timeoutMs } = {}) {
      if (launched !== undefined) return Promise.resolve(launched);
      return new Promise<string>((resolve, reject) => {
        let timer: unknown;
        const done = (attemptId: string) => {
          cleanup();
          resolve(attemptId);
        };
        const fail = (reason: Error) => {
          cleanup();
          reject(reason);
        };
        const onAbort = () => fail(new Error("Stopped waiting for launch: aborted"));
        const cleanup = () => {
          waiters.delete(done);
          if (timer !== undefined) ctx.scheduler.clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        };
        waiters.add(done);
        signal?.addEventListener("abort", onAbort);
        if (timeoutMs !== undefined) {
          timer = ctx.scheduler.setTimeout(() => fail(new Error("Stopped waiting for launch: timed out")), timeoutMs);
        }
      });
    },
  };
}
