/**
 * The outbox feed of a function instance: ONE connection that polls the
 * outbox by id every few milliseconds and hands every newly committed event
 * (of any topic) to the hub. It replaces `LISTEN`/`NOTIFY`: a transaction that
 * ran `NOTIFY` holds one cluster-wide lock through its commit in PostgreSQL 15
 * (`PreCommit_Notify`), so every save committed one at a time. Polling puts no
 * cost at all on the saving transaction.
 *
 * **No gap.** Outbox ids are taken from a sequence before their transaction
 * commits, so a later-committed row can carry a smaller id than one already
 * read. The feed therefore reads `id > safe` on every poll, where `safe` only
 * moves to an id once every transaction that could still hold a smaller one
 * has ended: a poll notes the highest id it saw and its snapshot's `xmax`;
 * when a later snapshot's `xmin` reaches that `xmax`, every transaction that
 * was running then has committed or aborted, and `safe` takes that id
 * (`private.publish_event` takes its transaction id before the outbox id, so
 * a writer holding a smaller id is always below that `xmax`). Rows between
 * `safe` and the newest id are read again on the next poll; the hub keeps, per
 * topic, the last id it handed out (ids of one topic grow in commit order) and
 * skips them. When the feed starts it cannot know what transactions then in
 * flight hold, so once they have all ended it asks the hub to read every
 * topic again from its position (`onRescan`).
 *
 * **Where it runs.** Any connection kind works, the transaction pooler
 * (Supavisor, port 6543) included: a poll is one statement and keeps no
 * session state. On a hosted project the connection needs a role that reads
 * `public.outbox_events` past RLS: `postgres` (the functions' own
 * `SUPABASE_DB_URL`) or `service_role`. No replication right is needed.
 *
 * @module
 */

// @ts-types="../_shared/pg.d.ts"
import pg, { type Client } from "pg";
import type { StreamEvent } from "../../types/sync.ts";

type Timer = ReturnType<typeof setTimeout>;

/** Most rows one poll statement reads; a poll reads page after page until it has all. */
export const FEED_PAGE_SIZE = 2000;

/** Options of {@linkcode openOutboxFeed}. */
export interface OutboxFeedOptions {
  /** Connection string of the feed's connection. */
  url: string;
  /** `application_name` of the connection. */
  applicationName: string;
  /** Milliseconds between the end of a poll and the next one. */
  intervalMs: number;
  /** Newly committed events, all topics, in id order (rows may repeat across calls). */
  onEvents(events: StreamEvent[]): void;
  /** Every topic must be read again from its position (events may have been missed). */
  onRescan(): void;
  /** The connection was lost (not called after {@linkcode OutboxFeed.close}). */
  onLost(error: unknown): void;
  /**
   * Channels the connection also `LISTEN`s on, for signals that are never stored
   * (`./ephemeral.ts`), with their handler. Needs a session connection (direct, or
   * Supavisor's session mode): through the transaction pooler they do not arrive.
   */
  listen?: { channels: readonly string[]; onNotification(channel: string, payload: string): void };
}

/** A running feed. */
export interface OutboxFeed {
  /** Polls made so far. */
  readonly polls: number;
  /** Stops polling and closes the connection. */
  close(): Promise<void>;
}

interface PollRow {
  xmin: string;
  xmax: string;
  id: string | null;
  topic: string | null;
  event: string | null;
  payload: Record<string, unknown> | null;
  created_at: string | null;
}

const POLL = `
  with snapshot as (select pg_catalog.pg_current_snapshot() as s)
  select pg_catalog.pg_snapshot_xmin(snapshot.s)::text as xmin,
    pg_catalog.pg_snapshot_xmax(snapshot.s)::text as xmax,
    e.id::text as id, e.topic, e.event, e.payload, to_jsonb(e.created_at) #>> '{}' as created_at
  from snapshot
  left join lateral (
    select o.id, o.topic, o.event, o.payload, o.created_at
    from public.outbox_events as o
    where o.id > $1::bigint
    order by o.id
    limit $2::integer
  ) as e on true
  order by e.id`;

const START = `
  select coalesce(max(o.id), 0)::text as id,
    pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text as xmax
  from public.outbox_events as o`;

/**
 * Connects and starts polling. Resolves once the connection is up and the
 * feed knows where the outbox ends (events committed from then on reach
 * `onEvents`).
 *
 * @example
 * ```ts
 * const feed = await openOutboxFeed({ url, applicationName: "examsync-outbox-feed", intervalMs: 50,
 *   onEvents: (events) => console.log(events), onRescan: () => {}, onLost: () => {} });
 * await feed.close();
 * ```
 * @throws when the connection cannot be opened.
 */
export async function openOutboxFeed(options: OutboxFeedOptions): Promise<OutboxFeed> {
  const client: Client = new pg.Client({
    connectionString: options.url,
    application_name: options.applicationName,
    keepAlive: true,
    connectionTimeoutMillis: 5000,
  });
  let closed = false;
  let lost = false;
  let timer: Timer | undefined;
  let polls = 0;
  let running: Promise<void> | undefined;

  function fail(error: unknown): void {
    if (closed || lost) return;
    lost = true;
    clearTimeout(timer);
    client.end().catch(() => {});
    options.onLost(error);
  }
  client.on("error", fail);
  client.on("end", () => fail(new Error("The outbox feed connection ended")));

  try {
    await client.connect();
  } catch (error) {
    closed = true;
    client.end().catch(() => {});
    throw error;
  }
  let start: { id: string; xmax: string } | undefined;
  try {
    for (const channel of options.listen?.channels ?? []) {
      await client.query(`listen ${channel}`);
    }
    client.on("notification", (message) =>
      options.listen?.onNotification(message.channel, message.payload ?? ""));
    ({ rows: [start] } = await client.query<{ id: string; xmax: string }>(START));
  } catch (error) {
    closed = true;
    client.end().catch(() => {});
    throw error;
  }

  /** Ids up to this are final: every transaction that could add a smaller one has ended. */
  let safe = BigInt(start!.id);
  /** The highest id read. */
  let newest = safe;
  /** (highest id seen, snapshot xmax) of past polls, waiting for xmin to pass xmax. */
  const pending: { id: bigint; xmax: bigint }[] = [];
  /** Transactions in flight at the start may add ids at or below `safe`: rescan once they end. */
  let startHorizon: bigint | undefined = BigInt(start!.xmax);

  async function poll(): Promise<void> {
    polls++;
    let after = safe;
    let xmin: bigint | undefined;
    let xmax = 0n;
    for (;;) {
      const { rows } = await client.query<PollRow>({
        text: POLL,
        values: [after.toString(), FEED_PAGE_SIZE],
      });
      xmin ??= BigInt(rows[0]!.xmin);
      xmax = BigInt(rows[0]!.xmax);
      const events: StreamEvent[] = [];
      for (const row of rows) {
        if (row.id === null) continue;
        events.push({
          id: Number(row.id),
          topic: row.topic!,
          event: row.event!,
          payload: row.payload ?? {},
          created_at: row.created_at!,
        });
      }
      if (events.length > 0) {
        after = BigInt(events[events.length - 1]!.id);
        if (after > newest) newest = after;
        options.onEvents(events);
      }
      if (events.length < FEED_PAGE_SIZE || closed) break;
    }
    // One entry per id: the first snapshot that saw it is the one to wait for.
    if (pending[pending.length - 1]?.id !== newest) pending.push({ id: newest, xmax });
    while (pending.length > 0 && pending[0]!.xmax <= xmin) safe = pending.shift()!.id;
    if (startHorizon !== undefined && startHorizon <= xmin) {
      startHorizon = undefined;
      options.onRescan();
    }
  }

  function schedule(): void {
    if (closed || lost) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = poll().then(schedule, fail);
    }, options.intervalMs);
  }
  schedule();

  return {
    get polls() {
      return polls;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await running?.catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
