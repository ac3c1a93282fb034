/**
 * zod schemas of the free-form `jsonb` values the typed RPCs still carry. Everything
 * else an RPC returns is typed by `supabase gen types` in `database.types.ts`
 * (`get_attempt_state` returns the composite `attempt_state`); these are the parts
 * Postgres keeps as JSON because their shape depends on the question: an answer's
 * value, a conflict's two values and a question's options.
 *
 * @example
 * ```ts
 * // createClient, Database and these schemas are imported by the client app.
 * const supabase = createClient<Database>(url, anonKey);
 * const { data: state } = await supabase.rpc("get_attempt_state", { p_attempt_id: attemptId });
 * for (const question of state?.questions ?? []) {
 *   const options = QuestionOptionsSchema.parse(question.options); // [{ id: "a", text: "…" }]
 * }
 * for (const answer of state?.answers ?? []) {
 *   const value = AnswerValueSchema.parse(answer.value); // "b", ["a", "c"], true, 42, "text"
 * }
 * ```
 *
 * @module
 */

import { z } from "zod";
import { JsonValueSchema } from "./sync.ts";

/**
 * An answer's value (`attempt_answers.value`, `attempt_state_answer.value`, a
 * conflict's `local_value` and `server_value`): an option id, a list of option ids,
 * `true`/`false`, a number or text, or `null` once cleared. Which one fits depends
 * on the question's type, so the database checks it and the type stays any JSON.
 */
export const AnswerValueSchema = JsonValueSchema;

/** One choice of a choice question. Further keys a teacher adds are kept. */
export const QuestionOptionSchema = z.looseObject({
  /** What an answer names: `"a"`, `"b"`… */
  id: z.string(),
  /** What the student reads. */
  text: z.string(),
});

/** A question's `options`: its choices for choice questions, `[]` for other types. */
export const QuestionOptionsSchema = z.array(QuestionOptionSchema);

/** An answer's value. */
export type AnswerValue = z.infer<typeof AnswerValueSchema>;
/** One choice of a choice question. */
export type QuestionOption = z.infer<typeof QuestionOptionSchema>;
