/**
 * The tutor's budgets in Postgres: requests per minute per student
 * (`private.take_rate_limit`), and tokens per student and day and per academy
 * and month, reserved before the provider is called (estimated input plus the
 * output cap) and reconciled after it (`private.reserve_tutor_tokens`,
 * `private.settle_tutor_reservation`). Every instance shares them.
 *
 * @module
 */

import type { Db, Sql } from "../_shared/db.ts";
import { HttpError } from "../_shared/errors.ts";
import type { TutorBudgets } from "./config.ts";

/** The code of a budget that refused a request. */
export type BudgetCode =
  | "tutor_rate_limited"
  | "tutor_daily_tokens_exceeded"
  | "tutor_monthly_tokens_exceeded";

/**
 * Counts one request of a student against the per-minute limit (0: no limit).
 *
 * @example
 * ```ts
 * await takeTutorRequest(db, userId, 60);
 * ```
 * @throws {HttpError} 429 `tutor_rate_limited` with `Retry-After` when over.
 */
export async function takeTutorRequest(
  db: Db,
  userId: string,
  requestsPerMinute: number,
): Promise<void> {
  if (requestsPerMinute === 0) return;
  const [row] = await db.sql<{ allowed: boolean; retry_after_seconds: number }[]>`
    select allowed, retry_after_seconds
    from private.take_rate_limit(${`ai-tutor:${userId}`}, ${requestsPerMinute}::integer, 60)
  `;
  if (row !== undefined && !row.allowed) {
    throw budgetExceeded("tutor_rate_limited", {
      retryAfterSeconds: row.retry_after_seconds,
      limit: requestsPerMinute,
      message: `Cannot answer: more than ${requestsPerMinute} tutor requests in a minute`,
    });
  }
}

/** Options of {@linkcode reserveTokens}. */
export interface ReserveOptions {
  userId: string;
  academyId: string;
  tokens: number;
  budgets: TutorBudgets;
}

/**
 * Reserves tokens for one answer in the transaction of `sql`; returns the
 * reservation's id.
 *
 * @example
 * ```ts
 * const reservationId = await reserveTokens(tx, { userId, academyId, tokens: 1500, budgets });
 * ```
 * @throws {HttpError} 429 `tutor_daily_tokens_exceeded` or `tutor_monthly_tokens_exceeded` with `Retry-After`.
 */
export async function reserveTokens(sql: Sql, options: ReserveOptions): Promise<string> {
  const [row] = await sql<{
    reservation_id: string | null;
    allowed: boolean;
    code: BudgetCode | null;
    retry_after_seconds: number;
    token_limit: string | null;
    tokens_counted: string | null;
  }[]>`
    select * from private.reserve_tutor_tokens(${options.userId}::uuid, ${options.academyId}::uuid,
      ${options.tokens}::bigint, ${options.budgets.userTokensPerDay}::bigint,
      ${options.budgets.academyTokensPerMonth}::bigint)
  `;
  if (row?.allowed && row.reservation_id) return row.reservation_id;
  const code = row?.code ?? "tutor_daily_tokens_exceeded";
  const limit = Number(row?.token_limit ?? 0);
  throw budgetExceeded(code, {
    retryAfterSeconds: row?.retry_after_seconds ?? 60,
    limit,
    used: Number(row?.tokens_counted ?? 0),
    requested: options.tokens,
    message: code === "tutor_monthly_tokens_exceeded"
      ? `Cannot answer: the academy has used its ${limit} tutor tokens of this month`
      : `Cannot answer: you have used your ${limit} tutor tokens of today`,
  });
}

/**
 * Settles a reservation with the tokens really used, or the whole reservation
 * when `usedTokens` is null (an answer of unknown usage).
 *
 * @example
 * ```ts
 * await settleReservation(tx, reservationId, 812);
 * ```
 */
export async function settleReservation(
  sql: Sql,
  reservationId: string,
  usedTokens: number | null,
): Promise<void> {
  await sql`select private.settle_tutor_reservation(${reservationId}::uuid, ${usedTokens}::bigint)`;
}

function budgetExceeded(
  code: BudgetCode,
  options: {
    retryAfterSeconds: number;
    limit: number;
    message: string;
    used?: number;
    requested?: number;
  },
): HttpError {
  const retryAfterSeconds = Math.max(1, Math.ceil(options.retryAfterSeconds));
  return new HttpError(429, {
    code,
    message: `${options.message}, retry in ${retryAfterSeconds} s`,
    details: {
      budget: code,
      limit: options.limit,
      used: options.used,
      requested: options.requested,
      retryAfterSeconds,
    },
    headers: { "retry-after": String(retryAfterSeconds) },
  });
}
