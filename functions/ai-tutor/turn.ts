/**
 * The database side of one tutor turn: prepare it as the student (the
 * integrity rule and the prompt's context, in SQL, before any provider is
 * called), store messages, reserve and settle tokens.
 *
 * @module
 */

import type { Db, Sql } from "../_shared/db.ts";
import type { JwtClaims } from "../_shared/jwt.ts";
import type { TutorBudgets } from "./config.ts";
import { reserveTokens, settleReservation } from "./budget.ts";
import type { StoredMessage } from "./history.ts";
import type { ClosedQuestion, WeakSubSkill } from "./prompt.ts";
import type { TutorContext } from "./body.ts";

/** What `private.prepare_tutor_turn` returns, with the conversation's history. */
export interface PreparedTurn {
  conversationId: string;
  academyId: string;
  academyName: string;
  specialty: string | null;
  isNew: boolean;
  refused: boolean;
  refusalReason: string | null;
  similarity: number | null;
  weakSubSkills: WeakSubSkill[];
  question: ClosedQuestion | null;
  provider: string | null;
  model: string | null;
  /** Stored messages, newest first, the new one not included. */
  history: StoredMessage[];
}

const HISTORY_LIMIT = 200;

/**
 * Prepares a turn in one transaction as the student: finds or creates the
 * conversation (404 `conversation_not_found` for another user's), applies the
 * integrity rule, and reads the context and the history under RLS.
 *
 * @example
 * ```ts
 * const turn = await prepareTurn(db, claims, request, { conversationId: "chat-1", text: "Hi", context: {} });
 * ```
 */
export function prepareTurn(
  db: Db,
  claims: JwtClaims,
  request: Request,
  turn: { conversationId: string; text: string; context: TutorContext },
): Promise<PreparedTurn> {
  return db.withUser(claims, request, async (tx) => {
    const [row] = await tx`
      select * from private.prepare_tutor_turn(${turn.conversationId}, ${turn.text}, ${
      tx.json(turn.context)
    }::jsonb)
    `;
    const history = await tx<StoredMessage[]>`
      select m.id, m.role, m.parts, m.status
      from public.tutor_messages as m
      where m.conversation_id = ${turn.conversationId}
      order by m.seq desc
      limit ${HISTORY_LIMIT}
    `;
    return {
      conversationId: row!.conversation_id,
      academyId: row!.academy_id,
      academyName: row!.academy_name,
      specialty: row!.specialty,
      isNew: row!.is_new,
      refused: row!.refused,
      refusalReason: row!.refusal_reason,
      similarity: row!.similarity,
      weakSubSkills: row!.weak_sub_skills ?? [],
      question: row!.question,
      provider: row!.provider,
      model: row!.model,
      history,
    };
  });
}

/** A message to store (columns of `public.tutor_messages`). */
export interface NewMessage {
  id?: string;
  conversation_id: string;
  role: "user" | "assistant";
  parts: unknown[];
  metadata?: Record<string, unknown>;
  status?: "complete" | "aborted" | "error" | "refused";
  finish_reason?: string;
  provider?: string;
  model?: string;
  prompt_version?: string;
  input_tokens?: number;
  cached_input_tokens?: number;
  output_tokens?: number;
  latency_ms?: number;
  first_token_ms?: number;
}

/**
 * Stores a message in the transaction of `sql`; returns its id.
 *
 * @example
 * ```ts
 * await storeMessage(tx, { conversation_id: "chat-1", role: "user", parts: [{ type: "text", text: "Hi" }] });
 * ```
 */
export async function storeMessage(sql: Sql, message: NewMessage): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    select (m).id from (select private.store_tutor_message(${sql.json(message)}::jsonb) as m) as s
  `;
  return row!.id;
}

/**
 * Reserves the answer's tokens and stores the student's message, in one
 * transaction on the function's own connection.
 *
 * @example
 * ```ts
 * const reservationId = await beginAnswer(db, { userId, academyId, tokens, budgets, userMessage });
 * ```
 * @throws {HttpError} 429 when a token budget is spent (nothing is stored then).
 */
export function beginAnswer(
  db: Db,
  options: {
    userId: string;
    academyId: string;
    tokens: number;
    budgets: TutorBudgets;
    userMessage: NewMessage;
  },
): Promise<string> {
  return db.withOwner(async (tx) => {
    const reservationId = await reserveTokens(tx, options);
    await storeMessage(tx, options.userMessage);
    return reservationId;
  });
}

/**
 * Stores the answer and settles its reservation, in one transaction.
 *
 * @example
 * ```ts
 * await finishAnswer(db, { reservationId, usedTokens: 900, answer });
 * ```
 */
export function finishAnswer(
  db: Db,
  options: { reservationId: string; usedTokens: number | null; answer: NewMessage },
): Promise<string> {
  return db.withOwner(async (tx) => {
    const id = await storeMessage(tx, options.answer);
    await settleReservation(tx, options.reservationId, options.usedTokens);
    return id;
  });
}

/**
 * Stores a refused turn: the student's message and the refusal, both with status `refused`.
 *
 * @example
 * ```ts
 * await storeRefusal(db, userMessage, refusal);
 * ```
 */
export function storeRefusal(
  db: Db,
  userMessage: NewMessage,
  refusal: NewMessage,
): Promise<string> {
  return db.withOwner(async (tx) => {
    await storeMessage(tx, userMessage);
    return await storeMessage(tx, refusal);
  });
}
