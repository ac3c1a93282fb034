/**
 * React binding: `useExamAttempt(session)` re-renders on every state change of an
 * {@linkcode AttemptSession} (through `useSyncExternalStore`, so concurrent
 * rendering never tears). React is an optional peer dependency: import
 * `@examsync/client/react` only in React apps.
 *
 * @module
 */

import { useSyncExternalStore } from "react";
import type { AttemptSession, AttemptState } from "./session.ts";

/** What the hook returns: the state, and the session's actions bound. */
export interface ExamAttemptHook extends AttemptState {
  session: AttemptSession | null;
  remainingMs(): number;
}

const IDLE: AttemptState = Object.freeze({
  connected: false,
  syncing: false,
  lastSyncedAt: null,
  pendingChanges: 0,
  conflicts: [],
  error: null,
  status: "in_progress",
  paused: false,
  answers: {},
  flags: [],
  currentQuestionId: null,
  sections: {},
}) as AttemptState;

const noop = () => () => {};

/**
 * The state of an open attempt session (or an idle state while it opens).
 *
 * @example
 * ```tsx
 * const { pendingChanges, syncing, answers, session } = useExamAttempt(attempt);
 * return <button onClick={() => session?.answer(q.id, "b")}>{syncing ? "Saving…" : "Saved"}</button>;
 * ```
 */
export function useExamAttempt(session: AttemptSession | null | undefined): ExamAttemptHook {
  const state = useSyncExternalStore(
    session ? session.subscribe : noop,
    session ? session.getState : () => IDLE,
    session ? session.getState : () => IDLE,
  );
  return { ...state, session: session ?? null, remainingMs: () => session?.remainingMs() ?? 0 };
}
