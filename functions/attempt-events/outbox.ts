/**
 * Reading the outbox: one page of a topic's events after an id, in id order.
 *
 * @module
 */

import type { Sql, TransactionSql } from "../_shared/db.ts";
import type { StreamEvent } from "../../types/sync.ts";

/** Most events one query reads. */
export const PAGE_SIZE = 1000;

interface EventRow {
  id: string;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
  created_at: string;
}

/**
 * The events of `topic` with an id above `afterId`, oldest first, at most
 * `limit`. Run it as a user (RLS decides) or as the owner.
 *
 * @example
 * ```ts
 * const events = await selectEvents(db.sql, "attempt:0b7c…", 0);
 * ```
 */
export async function selectEvents(
  sql: Sql | TransactionSql,
  topic: string,
  afterId: number,
  limit: number = PAGE_SIZE,
): Promise<StreamEvent[]> {
  const rows = await sql<EventRow[]>`
    select e.id::text as id, e.topic, e.event, e.payload,
      to_jsonb(e.created_at) #>> '{}' as created_at
    from public.outbox_events as e
    where e.topic = ${topic} and e.id > ${afterId}::bigint
    order by e.id
    limit ${limit}::integer
  `;
  return rows.map((row) => ({
    id: Number(row.id),
    topic: row.topic,
    event: row.event,
    payload: row.payload,
    created_at: row.created_at,
  }));
}

/**
 * The newest event id of `topic` (0 when it has none).
 *
 * @example
 * ```ts
 * const head = await lastEventId(sql, "attempt:0b7c…");
 * ```
 */
export async function lastEventId(sql: Sql | TransactionSql, topic: string): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    select coalesce(max(e.id), 0)::text as id from public.outbox_events as e where e.topic = ${topic}
  `;
  return Number(row?.id ?? 0);
}
