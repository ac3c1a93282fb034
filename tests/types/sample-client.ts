/**
 * A client app's use of the typed RPCs, compiled by `tsc --noEmit -p tests/types` in
 * `npm test` (never run): what it reads must be typed fields, not `Json`.
 *
 * @module
 */
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../../types/database.types.ts";
import { AnswerValueSchema, QuestionOptionsSchema } from "../../types/attempt-state.ts";

type Enums = Database["public"]["Enums"];

/** Exactly `T`: fails to compile unless `A` and `T` are the same type. */
export type Equals<A, T> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends T ? 1 : 2) ? true
  : false;
/** Compiles only when given `true`. */
export function assertType<T extends true>(_proof?: T): void {}

export const supabase = createClient<Database>("http://127.0.0.1:54321", "anon-key");

/** Starts an attempt and renders it from get_attempt_state. */
export async function resume(examId: string): Promise<string[]> {
  const { data: attempt, error } = await supabase.rpc("start_attempt", { p_exam_id: examId, p_mode: "drill" });
  if (error) throw error;
  assertType<Equals<typeof attempt.status, Enums["attempt_status"]>>(true);

  const { data: state } = await supabase.rpc("get_attempt_state", { p_attempt_id: attempt.id });
  if (!state) return [];
  // The render payload is typed to the leaves: enums stay enums, numbers stay numbers.
  assertType<Equals<typeof state.remaining_ms, number | null>>(true);
  assertType<Equals<typeof state.last_event_id, number | null>>(true);
  assertType<Equals<NonNullable<typeof state.attempt>["status"], Enums["attempt_status"] | null>>(true);
  assertType<Equals<NonNullable<typeof state.exam>["navigation"], Enums["exam_navigation"] | null>>(true);
  const lines: string[] = [];
  if (state.attempt?.status === "in_progress" && state.exam?.navigation === "sequential") {
    lines.push(`${state.exam.title}: ${state.remaining_ms} ms left`);
  }
  for (const section of state.sections ?? []) {
    const status: Enums["section_status"] | null = section.status;
    lines.push(`${section.position}. ${section.title} (${status}, ${section.time_used_ms} ms)`);
  }
  for (const question of state.questions ?? []) {
    const type: Enums["question_type"] | null = question.type;
    const options = QuestionOptionsSchema.parse(question.options);
    lines.push(`${type}: ${question.prompt} ${options.map((option) => option.text).join(" / ")}`);
  }
  for (const answer of state.answers ?? []) {
    const version: number | null = answer.version;
    lines.push(`${answer.question_id} v${version}: ${JSON.stringify(AnswerValueSchema.parse(answer.value))}`);
  }
  const flagged: string[] = state.flags ?? [];
  for (const conflict of state.open_conflicts ?? []) {
    lines.push(`conflict ${conflict.id} on ${conflict.question_id}: v${conflict.base_version} vs v${conflict.server_version}`);
  }
  lines.push(`${flagged.length} flagged`);
  return lines;
}

/** The other attempt RPCs a student app calls: typed composites and rows. */
export async function sync(attemptId: string): Promise<void> {
  const { data: status } = await supabase.rpc("get_attempt_sync_status", { p_attempt_id: attemptId });
  const collision: boolean | null | undefined = status?.collision_detected;
  const { data: heartbeat } = await supabase.rpc("update_attempt_heartbeat", {
    p_attempt_id: attemptId,
    p_client_id: "laptop",
  });
  const live: number | null | undefined = heartbeat?.live_connections;
  const { data: open } = await supabase.rpc("get_active_session_state");
  const modes: (Enums["attempt_mode"] | null)[] = (open ?? []).map((item) => item.mode);
  const { data: submitted } = await supabase.rpc("submit_attempt", { p_attempt_id: attemptId });
  const grading: Enums["grading_status"] | undefined = submitted?.grading_status;
  const { data: section } = await supabase.rpc("update_section_state", {
    p_attempt_id: attemptId,
    p_section_id: "00000000-0000-4000-8000-0000000e5001",
    p_state: { status: "completed", time_used_ms: 42_000 },
  });
  const sectionStatus: Enums["section_status"] | undefined = section?.status;
  const { data: resolved } = await supabase.rpc("batch_resolve_attempt_conflicts", {
    p_resolutions: [
      { conflict_id: "40000000-0000-4000-8000-000000000031", resolution: "local", value: null },
      { conflict_id: "40000000-0000-4000-8000-000000000033", resolution: "custom", value: ["a", "c"] },
    ],
  });
  const settled: (string | null)[] = (resolved ?? []).map((conflict) => conflict.resolution);
  const { data: outcome } = await supabase.rpc("apply_attempt_ops", {
    p_attempt_id: attemptId,
    p_ops: [{ op_id: "50000000-0000-4000-8000-000000000001", type: "answer", question_id: attemptId, value: "b", base_version: 0 }],
    p_client_id: "laptop",
  });
  // Each op's result is typed: its status and resolution are enums, its version a number.
  const first = outcome?.results?.[0];
  assertType<Equals<NonNullable<typeof first>["status"], Enums["attempt_op_status"] | null>>(true);
  assertType<Equals<NonNullable<typeof first>["resolution"], Enums["attempt_op_resolution"] | null>>(true);
  assertType<Equals<NonNullable<typeof first>["version"], number | null>>(true);
  const conflicts = (outcome?.results ?? []).filter((result) => result.status === "conflict").map((result) => result.conflict_id);
  void [collision, live, modes, grading, sectionStatus, settled, conflicts];
}
