/**
 * Request and response shapes of the `attempt-sync` and `attempt-events` edge
 * functions, as zod schemas with the TypeScript types inferred from them.
 * Shared by the functions (Deno, `npm:zod`) and client apps (Node or the
 * browser, the `zod` package): this file imports nothing but `zod`.
 *
 * @example
 * ```ts
 * // SyncRequest, SyncRequestSchema and SyncResponseSchema are imported from this module.
 * const body: SyncRequest = SyncRequestSchema.parse({
 *   attemptId: "0b7c6a8e-3f52-4d7e-9a4b-2d1f0c9e8a71",
 *   clientId: "laptop-tab-1",
 *   ops: [{ op_id: crypto.randomUUID(), type: "answer", question_id: questionId, value: "b", base_version: 0, seq: 1 }],
 * });
 * const { data } = await supabase.functions.invoke("attempt-sync", { body });
 * const saved = SyncResponseSchema.parse(data);
 * ```
 *
 * @module
 */

import { z } from "zod";

/** Most ops one `attempt-sync` batch may hold. */
export const MAX_OPS_PER_BATCH = 200;

/** Largest `attempt-sync` request body, in bytes (256 KiB). */
export const MAX_SYNC_BODY_BYTES = 256 * 1024;

/** A JSON value: what an answer may be. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * Deepest nesting of arrays and objects in an answer value or an activity
 * detail: far beyond any real answer, far below what overflows a parser.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether a string is text Postgres can store: no NUL (`\u0000`, which
 * neither `text` nor `jsonb` holds) and no lone UTF-16 surrogate (which has no
 * UTF-8 form).
 *
 * @example
 * ```ts
 * isStorableText("caf\u00e9 \ud83d\ude00"); // true
 * isStorableText("a\u0000b"); // false
 * isStorableText("\ud83d"); // false
 * ```
 */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}

const UNSTORABLE_TEXT =
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What keeps a value from being stored as JSON: `not_json` (`undefined`, a
 * function, a non-finite number, a class instance...), `too_deeply_nested`
 * (more than {@linkcode MAX_JSON_DEPTH} levels of arrays and objects) or
 * `invalid_text` (a string or key {@linkcode isStorableText} refuses).
 */
export type JsonProblemCode = "not_json" | "too_deeply_nested" | "invalid_text";

/** A problem found by {@linkcode findJsonProblem}, with where it is. */
export interface JsonProblem {
  code: JsonProblemCode;
  /** Keys from the value down to the offending part (empty for the value itself). */
  path: (string | number)[];
}

/**
 * The first problem keeping a value from being stored as JSON, or `undefined`
 * when it is plain, storable JSON. Iterative, so no nesting overflows it.
 *
 * @example
 * ```ts
 * findJsonProblem({ a: [1, "x", null] }); // undefined
 * findJsonProblem({ a: ["\u0000"] }); // { code: "invalid_text", path: ["a", 0] }
 * ```
 */
export function findJsonProblem(
  value: unknown,
  options: { maxDepth?: number } = {},
): JsonProblem | undefined {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path } = item;
    if (value === null || typeof value === "boolean") continue;
    if (typeof value === "string") {
      if (!isStorableText(value)) return { code: "invalid_text", path };
      continue;
    }
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return { code: "not_json", path };
      continue;
    }
    if (typeof value !== "object") return { code: "not_json", path };
    if (path.length >= maxDepth) return { code: "too_deeply_nested", path };
    const children: { value: unknown; path: (string | number)[] }[] = [];
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        children.push({ value: value[index], path: [...path, index] });
      }
    } else {
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return { code: "not_json", path };
      for (const [key, child] of Object.entries(value)) {
        if (!isStorableText(key)) return { code: "invalid_text", path: [...path, key] };
        children.push({ value: child, path: [...path, key] });
      }
    }
    // Reversed onto the stack, so problems are found in document order.
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]!);
  }
  return undefined;
}

/**
 * Whether a value is plain JSON Postgres can store (finite numbers, plain
 * objects and arrays at most {@linkcode MAX_JSON_DEPTH} deep, storable text).
 *
 * @example
 * ```ts
 * isJsonValue({ a: [1, "x", null] }); // true
 * isJsonValue(undefined); // false
 * ```
 */
export function isJsonValue(value: unknown): value is JsonValue {
  return findJsonProblem(value) === undefined;
}

const JSON_PROBLEM_MESSAGES: Record<JsonProblemCode, string> = {
  not_json: "Invalid input: expected a JSON value",
  too_deeply_nested: `Invalid input: JSON nests more than ${MAX_JSON_DEPTH} levels deep`,
  invalid_text: "Invalid input: text holds a NUL character or a lone surrogate",
};

/**
 * Any JSON value, `null` included (a missing value is refused). A refused
 * value's issue carries its {@linkcode JsonProblemCode} in `params.code` and
 * the path down to the offending part.
 */
export const JsonValueSchema: z.ZodType<JsonValue> = z.custom<JsonValue>().superRefine(
  (value, context) => {
    const problem = findJsonProblem(value);
    if (problem === undefined) return;
    context.addIssue({
      code: "custom",
      message: JSON_PROBLEM_MESSAGES[problem.code],
      params: { code: problem.code },
      path: problem.path,
      input: value,
    });
  },
);

/**
 * Text Postgres can store ({@linkcode isStorableText}); a refused string's
 * issue carries `params.code` `invalid_text`.
 */
export const StorableTextSchema = z.string().refine(isStorableText, {
  error: JSON_PROBLEM_MESSAGES.invalid_text,
  params: { code: "invalid_text" },
});

/**
 * A uuid as the database reads one (any 8-4-4-4-12 hex string, like
 * `private.try_uuid`), so an id the database accepts is never refused here.
 */
export const UuidSchema = z.guid({ error: "Invalid input: expected a uuid" });

/**
 * The client's own sequence number of an op: ops with a `seq` apply in that
 * order whatever order they arrive in, and an older op of the same client
 * replayed late does not overwrite a newer one.
 */
export const SeqSchema = z.int().min(0).max(999_999_999_999_999);

/** A non-negative duration in milliseconds (at most 12 digits, as the database reads it). */
export const DurationMsSchema = z.int().min(0).max(999_999_999_999);

/** Fields every op has. */
const opBase = {
  /** Client-made id: an op id seen before returns its first result and changes nothing. */
  op_id: UuidSchema,
  seq: SeqSchema.optional(),
};

/** Sets an answer, edited from `base_version` (0 for a question not answered yet). */
export const AnswerOpSchema = z.object({
  ...opBase,
  type: z.literal("answer"),
  question_id: UuidSchema,
  /** An option id, a list of option ids, `true`/`false`, a number or text. */
  value: JsonValueSchema,
  /** The answer's version the client edited; a stale one is a conflict. */
  base_version: z.int().min(0).max(999_999_999),
});

/** Clears an answer (stores `null` as its next version). */
export const ClearAnswerOpSchema = z.object({
  ...opBase,
  type: z.literal("clear_answer"),
  question_id: UuidSchema,
  base_version: z.int().min(0).max(999_999_999),
});

/** Marks a question for review. */
export const FlagOpSchema = z.object({
  ...opBase,
  type: z.literal("flag"),
  question_id: UuidSchema,
});

/** Removes a question's review mark. */
export const UnflagOpSchema = z.object({
  ...opBase,
  type: z.literal("unflag"),
  question_id: UuidSchema,
});

/** Moves the attempt's current question (sequential exams only move forward). */
export const PositionOpSchema = z.object({
  ...opBase,
  type: z.literal("position"),
  question_id: UuidSchema,
});

/** Enters or completes a section, with the time the client says it used there. */
export const SectionOpSchema = z.object({
  ...opBase,
  type: z.literal("section"),
  section_id: UuidSchema,
  status: z.enum(["in_progress", "completed"]),
  time_used_ms: DurationMsSchema.optional(),
});

/** The client's remaining time, recorded for audit only: the server's clock counts. */
export const TimerOpSchema = z.object({
  ...opBase,
  type: z.literal("timer"),
  remaining_ms: DurationMsSchema,
});

/** Client activities the activity log records. */
export const ActivityEventSchema = z.enum([
  "focus_lost",
  "focus_gained",
  "visibility_hidden",
  "visibility_visible",
  "fullscreen_exited",
  "copy",
  "paste",
  "network_offline",
  "network_online",
]);

function refuseUnstorableKeys(record: Record<string, unknown>, context: z.RefinementCtx): void {
  for (const key of Object.keys(record)) {
    if (isStorableText(key)) continue;
    context.addIssue({
      code: "custom",
      message: JSON_PROBLEM_MESSAGES.invalid_text,
      params: { code: "invalid_text" },
      path: [key],
      input: key,
    });
    return;
  }
}

/** Something the client saw happen (focus, visibility, copy and paste, network). */
export const ActivityOpSchema = z.object({
  ...opBase,
  type: z.literal("activity"),
  event: ActivityEventSchema,
  details: z.record(z.string(), JsonValueSchema).superRefine(refuseUnstorableKeys).optional(),
});

/** One operation of a batch, told apart by `type`. */
export const OpSchema = z.discriminatedUnion("type", [
  AnswerOpSchema,
  ClearAnswerOpSchema,
  FlagOpSchema,
  UnflagOpSchema,
  PositionOpSchema,
  SectionOpSchema,
  TimerOpSchema,
  ActivityOpSchema,
]);

/** The body of `POST /functions/v1/attempt-sync`. */
export const SyncRequestSchema = z.object({
  /** The caller's attempt; another user's answers 404 like one that does not exist. */
  attemptId: UuidSchema,
  /** The device or tab sending the batch (1 to 200 characters). */
  clientId: StorableTextSchema.min(1).max(200),
  /** Up to {@linkcode MAX_OPS_PER_BATCH} ops, applied in one transaction. */
  ops: z.array(OpSchema).max(MAX_OPS_PER_BATCH),
});

/** What became of one op. */
export const OpStatusSchema = z.enum(["applied", "duplicate", "conflict", "rejected"]);

/**
 * The result of one op, in the order sent. `duplicate` is a replayed op id
 * (with the first result and its `first_status`); `conflict` carries the
 * `resolution` and the server's value and version; `rejected` a `code` such as
 * `question_closed`, `section_expired` or `navigation_sequential`. The fields
 * of `public.attempt_op_result` (what the `apply_attempt_ops` RPC returns, typed,
 * a field an op does not carry being null); `attempt-sync` leaves such fields out.
 */
export const OpResultSchema = z.looseObject({
  op_id: UuidSchema,
  status: OpStatusSchema,
  question_id: UuidSchema.optional(),
  section_id: UuidSchema.optional(),
  /** The answer's version after the op. */
  version: z.int().optional(),
  /** An older op of the same client arrived after a newer one, which stands. */
  superseded: z.boolean().optional(),
  flagged: z.boolean().optional(),
  resolution: z.enum(["local", "server"]).optional(),
  server_value: JsonValueSchema.optional(),
  server_version: z.int().optional(),
  /** The open conflict to settle with `batch_resolve_attempt_conflicts` (strategy `server`). */
  conflict_id: UuidSchema.nullable().optional(),
  code: z.string().optional(),
  first_status: OpStatusSchema.optional(),
});

/** Status of an attempt. */
export const AttemptStatusSchema = z.enum([
  "in_progress",
  "overdue",
  "submitted",
  "expired",
  "abandoned",
]);

/** The 200 body of `attempt-sync`. */
export const SyncResponseSchema = z.object({
  results: z.array(OpResultSchema),
  status: AttemptStatusSchema,
  /** The server's clock (ISO 8601). */
  serverNow: z.string(),
  /** When time runs out (ISO 8601), moved by pauses and extensions. */
  deadlineAt: z.string(),
  /** Milliseconds left by the server's clock; frozen while paused, 0 once closed. */
  remainingMs: z.number().int().min(0),
});

/** `get_session_dashboard`'s session: its state and the time left for everyone. */
export const SessionDashboardSessionSchema = z.object({
  id: UuidSchema,
  exam_id: UuidSchema,
  title: z.string(),
  status: z.enum(["scheduled", "lobby", "active", "paused", "ended"]),
  join_code: z.string(),
  started_at: z.string().nullable(),
  deadline_at: z.string().nullable(),
  paused_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  /** Null before launch and once ended. */
  remaining_ms: z.number().int().min(0).nullable(),
});

/** One student of `get_session_dashboard`. */
export const SessionDashboardParticipantSchema = z.object({
  user_id: UuidSchema,
  display_name: z.string().nullable(),
  status: z.enum(["waiting", "admitted", "active", "submitted", "removed", "banned"]),
  joined_at: z.string(),
  removal_reason: z.string().nullable(),
  attempt_id: UuidSchema.nullable(),
  attempt_status: AttemptStatusSchema.nullable(),
  /** Devices heard from in the last 45 s. */
  connected_devices: z.number().int().min(0),
  last_heartbeat_at: z.string().nullable(),
  answered: z.number().int().min(0),
  total: z.number().int().min(0),
  flagged: z.number().int().min(0),
  current_question_id: UuidSchema.nullable(),
  remaining_ms: z.number().int().min(0).nullable(),
  extension_seconds: z.number().int().nullable(),
  score: z.number().nullable(),
  max_score: z.number().nullable(),
  grading_status: z.enum(["ungraded", "pending_review", "graded"]).nullable(),
});

/** The counts of `get_session_dashboard`. */
export const SessionDashboardTotalsSchema = z.object({
  joined: z.number().int().min(0),
  waiting: z.number().int().min(0),
  active: z.number().int().min(0),
  submitted: z.number().int().min(0),
  removed: z.number().int().min(0),
  /** Active students without a live device. */
  disconnected: z.number().int().min(0),
});

/** What `get_session_dashboard` returns (the composite `public.session_dashboard`). */
export const SessionDashboardSchema = z.object({
  session: SessionDashboardSessionSchema,
  participants: z.array(SessionDashboardParticipantSchema),
  totals: SessionDashboardTotalsSchema,
  /** The server's clock (ISO 8601). */
  server_now: z.string(),
  /** Where a stream of the session topic opened now resumes from. */
  last_event_id: z.number().int().min(0),
});

/** Every error body of the edge functions. */
export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  hint: z.string().optional(),
});

/**
 * The `data` of an `attempt-events` message: the outbox row. The SSE `id` is
 * `id` and the SSE `event` is `event` (such as `ops_applied`,
 * `attempt_started`, `attempt_submitted`, `conflict_resolved`).
 */
export const StreamEventSchema = z.object({
  /** Outbox id: grows in commit order within a topic; send it back as `Last-Event-ID`. */
  id: z.number().int().positive(),
  /** `attempt:<id>`, `session:<id>`, `user:<id>`, `room:<id>`, `room:<id>:<student id>`. */
  topic: z.string(),
  event: z.string(),
  payload: z.record(z.string(), z.unknown()),
  /** When the event was committed (ISO 8601). */
  created_at: z.string(),
});

/** The payload of an `ops_applied` event. */
export const OpsAppliedPayloadSchema = z.looseObject({
  attempt_id: UuidSchema,
  client_id: z.string().nullable(),
  /** The answers this batch changed, with their new version and value. */
  answers: z.array(z.object({ question_id: UuidSchema, version: z.int(), value: JsonValueSchema })),
  /** Every flagged question of the attempt. */
  flags: z.array(UuidSchema),
  current_question_id: UuidSchema.nullable(),
  answered_count: z.int(),
});

/**
 * The `data` of an ephemeral message (SSE `event` such as `typing`, and no SSE
 * `id`): a signal that is never stored nor replayed.
 */
export const EphemeralEventSchema = z.object({
  topic: z.string(),
  event: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

/** The payload of a `typing` event of a room topic. */
export const TypingPayloadSchema = z.looseObject({
  room_id: UuidSchema,
  user_id: UuidSchema,
  display_name: z.string().nullable(),
  /** When the server sent it (ISO 8601); a client shows "typing" for about 3 s after. */
  at: z.string(),
});

/** SSE event name of the last message before the server ends a stream. */
export const RECONNECT_EVENT = "reconnect";

/**
 * The `data` of the `reconnect` message: why the stream ends. Reconnect with
 * the last id (`max_lifetime`, `shutdown`: the function instance stops,
 * `slow_consumer`: the client read too slowly, `error`: the server could not
 * read the outbox), or with a fresh token first (`token_expired`).
 */
export const ReconnectEventSchema = z.object({
  reason: z.enum(["token_expired", "max_lifetime", "shutdown", "slow_consumer", "error"]),
});

/** One operation of a batch. */
export type Op = z.infer<typeof OpSchema>;
/** An `answer` op. */
export type AnswerOp = z.infer<typeof AnswerOpSchema>;
/** A `clear_answer` op. */
export type ClearAnswerOp = z.infer<typeof ClearAnswerOpSchema>;
/** A `flag` op. */
export type FlagOp = z.infer<typeof FlagOpSchema>;
/** An `unflag` op. */
export type UnflagOp = z.infer<typeof UnflagOpSchema>;
/** A `position` op. */
export type PositionOp = z.infer<typeof PositionOpSchema>;
/** A `section` op. */
export type SectionOp = z.infer<typeof SectionOpSchema>;
/** A `timer` op. */
export type TimerOp = z.infer<typeof TimerOpSchema>;
/** An `activity` op. */
export type ActivityOp = z.infer<typeof ActivityOpSchema>;
/** A client activity. */
export type ActivityEvent = z.infer<typeof ActivityEventSchema>;
/** The body of `attempt-sync`. */
export type SyncRequest = z.infer<typeof SyncRequestSchema>;
/** What became of one op. */
export type OpStatus = z.infer<typeof OpStatusSchema>;
/** The result of one op. */
export type OpResult = z.infer<typeof OpResultSchema>;
/** Status of an attempt. */
export type AttemptStatus = z.infer<typeof AttemptStatusSchema>;
/** The 200 body of `attempt-sync`. */
export type SyncResponse = z.infer<typeof SyncResponseSchema>;
/** An error body. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
/** The `data` of an `attempt-events` message. */
export type StreamEvent = z.infer<typeof StreamEventSchema>;
/** The payload of an `ops_applied` event. */
export type OpsAppliedPayload = z.infer<typeof OpsAppliedPayloadSchema>;
/** The `data` of an ephemeral message. */
export type EphemeralEvent = z.infer<typeof EphemeralEventSchema>;
/** The payload of a `typing` event. */
export type TypingPayload = z.infer<typeof TypingPayloadSchema>;
/** The `data` of the `reconnect` message. */
export type ReconnectEvent = z.infer<typeof ReconnectEventSchema>;
/** What `get_session_dashboard` returns. */
export type SessionDashboard = z.infer<typeof SessionDashboardSchema>;
