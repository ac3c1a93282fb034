/**
 * Deliberate mistakes a typed client must not compile: each line under a
 * `@ts-expect-error` is an error, or `tsc --noEmit -p tests/types` fails with
 * "Unused '@ts-expect-error' directive".
 *
 * @module
 */
import { supabase } from "./sample-client.ts";

export async function mistakes(examId: string, attemptId: string): Promise<unknown[]> {
  // @ts-expect-error a mode that is not an attempt_mode
  await supabase.rpc("start_attempt", { p_exam_id: examId, p_mode: "cramming" });
  // @ts-expect-error a misspelt argument name
  await supabase.rpc("start_attempt", { p_exam: examId });
  // @ts-expect-error a resolution that is not a conflict_resolution_choice
  await supabase.rpc("batch_resolve_attempt_conflicts", { p_resolutions: [{ conflict_id: attemptId, resolution: "mine", value: null }] });
  // @ts-expect-error a section status that is not a section_status
  await supabase.rpc("update_section_state", { p_attempt_id: attemptId, p_section_id: attemptId, p_state: { status: "done", time_used_ms: null } });
  // @ts-expect-error a misspelt field of a composite argument
  await supabase.rpc("update_section_state", { p_attempt_id: attemptId, p_section_id: attemptId, p_state: { status: "completed", time_used: 1 } });
  // @ts-expect-error a misspelt RPC name
  await supabase.rpc("get_atempt_state", { p_attempt_id: attemptId });

  const { data: outcome } = await supabase.rpc("apply_attempt_ops", { p_attempt_id: attemptId, p_ops: [] });
  const { data: state } = await supabase.rpc("get_attempt_state", { p_attempt_id: attemptId });
  if (!state) return [];
  return [
    // @ts-expect-error a misspelt field of an op's result
    outcome?.results?.[0]?.conflictId,
    // @ts-expect-error a wrong enum value of an op's status (no overlap with attempt_op_status)
    outcome?.results?.some((result) => result.status === "aplied"),
    // @ts-expect-error a misspelt field of the result
    state.remaning_ms,
    // @ts-expect-error a misspelt field of a nested composite
    state.attempt?.deadline,
    // @ts-expect-error a misspelt field of an element of a nested array of composites
    state.sections?.[0]?.time_used,
    // @ts-expect-error a wrong enum value of a nested field (no overlap with attempt_status)
    state.attempt?.status === "in_progres",
    // @ts-expect-error a wrong enum value of an array element's field (no overlap with question_type)
    state.questions?.some((question) => question.type === "multiple_choise"),
    // @ts-expect-error remaining_ms is a number, not text
    state.remaining_ms?.toUpperCase(),
  ];
}
