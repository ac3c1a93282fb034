/**
 * The one place that reads `get_attempt_state`'s result. Today the RPC returns
 * `jsonb` (typed `Json`); when it returns a composite, only this module changes.
 * Fields are read by name, and unknown ones are ignored.
 *
 * @module
 */

import type { Database } from "../../types/database.types.ts";
import type { AttemptStatus, JsonValue } from "../../types/sync.ts";

/** What `supabase.rpc("get_attempt_state")` returns, as generated. */
export type AttemptStateResult = Database["public"]["Functions"]["get_attempt_state"]["Returns"];

/** A question as a student sees it (no key). */
export interface QuestionView {
  id: string;
  sectionId: string | null;
  position: number;
  type: string;
  prompt: string;
  options: JsonValue;
  points: number;
}

/** A section with this attempt's state in it. */
export interface SectionView {
  id: string;
  position: number;
  title: string;
  timeLimitSeconds: number | null;
  status: string | null;
  currentQuestionId: string | null;
  timeUsedMs: number | null;
  deadlineAt: string | null;
  completedAt: string | null;
}

/** A stored answer. */
export interface AnswerView {
  questionId: string;
  value: JsonValue;
  version: number;
}

/** An open conflict: the value the device sent and the value the server kept. */
export interface ConflictView {
  id: string;
  questionId: string;
  localValue: JsonValue;
  baseVersion: number;
  serverValue: JsonValue;
  serverVersion: number;
}

/** Everything `get_attempt_state` says, in the SDK's shape. */
export interface AttemptSnapshot {
  attempt: {
    id: string;
    examId: string;
    userId: string;
    status: AttemptStatus;
    conflictStrategy: string;
    startedAt: string | null;
    deadlineAt: string;
    pausedAt: string | null;
    finishedAt: string | null;
    currentQuestionId: string | null;
    score: number | null;
    maxScore: number | null;
  };
  exam: { id: string; title: string; navigation: string; durationSeconds: number | null };
  sections: SectionView[];
  questions: QuestionView[];
  answers: AnswerView[];
  flags: string[];
  conflicts: ConflictView[];
  /** The server's clock when it answered (ms since the epoch). */
  serverNow: number;
  remainingMs: number;
  /** The attempt topic's last event id: live events resume after it. */
  lastEventId: number | null;
}

type Row = Record<string, unknown>;

const row = (value: unknown): Row => (value !== null && typeof value === "object" ? value as Row : {});
const rows = (value: unknown): Row[] => (Array.isArray(value) ? value.map(row) : []);
const text = (value: unknown): string => (typeof value === "string" ? value : String(value ?? ""));
const textOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);
const numberOrNull = (value: unknown): number | null =>
  value === null || value === undefined || value === "" ? null : Number.isFinite(Number(value)) ? Number(value) : null;
const json = (value: unknown): JsonValue => (value === undefined ? null : value as JsonValue);

/**
 * Maps the RPC's result to an {@linkcode AttemptSnapshot}.
 *
 * @example
 * ```ts
 * const { data } = await supabase.rpc("get_attempt_state", { p_attempt_id: attemptId });
 * const snapshot = toAttemptSnapshot(data);
 * snapshot.answers[0]?.version;
 * ```
 */
export function toAttemptSnapshot(result: AttemptStateResult | unknown): AttemptSnapshot {
  const state = row(result);
  const attempt = row(state.attempt);
  const exam = row(state.exam);
  return {
    attempt: {
      id: text(attempt.id),
      examId: text(attempt.exam_id),
      userId: text(attempt.user_id),
      status: text(attempt.status) as AttemptStatus,
      conflictStrategy: text(attempt.conflict_strategy),
      startedAt: textOrNull(attempt.started_at),
      deadlineAt: text(attempt.deadline_at),
      pausedAt: textOrNull(attempt.paused_at),
      finishedAt: textOrNull(attempt.finished_at),
      currentQuestionId: textOrNull(attempt.current_question_id),
      score: numberOrNull(attempt.score),
      maxScore: numberOrNull(attempt.max_score),
    },
    exam: {
      id: text(exam.id),
      title: text(exam.title),
      navigation: text(exam.navigation),
      durationSeconds: numberOrNull(exam.duration_seconds),
    },
    sections: rows(state.sections).map((s) => ({
      id: text(s.id),
      position: Number(s.position ?? 0),
      title: text(s.title),
      timeLimitSeconds: numberOrNull(s.time_limit_seconds),
      status: textOrNull(s.status),
      currentQuestionId: textOrNull(s.current_question_id),
      timeUsedMs: numberOrNull(s.time_used_ms),
      deadlineAt: textOrNull(s.deadline_at),
      completedAt: textOrNull(s.completed_at),
    })),
    questions: rows(state.questions).map((q) => ({
      id: text(q.id),
      sectionId: textOrNull(q.section_id),
      position: Number(q.position ?? 0),
      type: text(q.type),
      prompt: text(q.prompt),
      options: json(q.options),
      points: Number(q.points ?? 0),
    })),
    answers: rows(state.answers).map((a) => ({
      questionId: text(a.question_id),
      value: json(a.value),
      version: Number(a.version ?? 0),
    })),
    flags: (Array.isArray(state.flags) ? state.flags : []).map(text),
    conflicts: rows(state.open_conflicts).map((c) => ({
      id: text(c.id),
      questionId: text(c.question_id),
      localValue: json(c.local_value),
      baseVersion: Number(c.base_version ?? 0),
      serverValue: json(c.server_value),
      serverVersion: Number(c.server_version ?? 0),
    })),
    serverNow: Date.parse(text(state.server_now)),
    remainingMs: Number(state.remaining_ms ?? 0),
    lastEventId: numberOrNull(state.last_event_id),
  };
}
