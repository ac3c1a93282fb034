/**
 * The outbox hub of a function instance: ONE feed connection (`./feed.ts`)
 * that polls the outbox by id and fans each new event out to the streams of
 * its topic. The hub encodes each event once and hands the same bytes to
 * every stream of the topic; each stream skips ids it has already sent. The
 * same connection listens on `examsync_ephemeral`, whose notifications carry a
 * whole id-less event (typing) handed to the topic's live streams as is
 * (`./ephemeral.ts`). While the feed runs, the hub also announces session
 * progress that saves left pending (`./progress_flush.ts`).
 *
 * No gap: a stream subscribes (and the feed is running) before it reads its
 * replay, and the hub's position in a topic only ever comes from ids read from
 * the database, while outbox ids grow in commit order within a topic. A topic
 * whose position is being read (`pump`) takes its events from that read, not
 * from the feed. After a lost connection the hub opens the feed again and
 * re-reads every topic from its position, so what committed meanwhile costs
 * nothing.
 *
 * The feed's connection may be any kind, the transaction pooler included.
 *
 * @module
 */

import { type Db, getDb } from "../_shared/db.ts";
import { getConfig } from "../_shared/env.ts";
import type { StreamEvent } from "../../types/sync.ts";
import { getEventsSettings } from "./config.ts";
import { decodeEphemeral, EPHEMERAL_CHANNEL } from "./ephemeral.ts";
import { openOutboxFeed, type OutboxFeed } from "./feed.ts";
import { startProgressFlush } from "./progress_flush.ts";
import { PAGE_SIZE, selectEvents } from "./outbox.ts";
import { type EncodedEvent, encodeEvent } from "./sse.ts";

type Timer = ReturnType<typeof setTimeout>;

/** A stream fed by the hub. */
export interface HubSubscriber {
  /** New events of the subscribed topic, in id order (some may be older than what it sent). */
  deliver(events: readonly EncodedEvent[]): void;
  /** An ephemeral event of the topic (no id, never replayed; see `./ephemeral.ts`), encoded. */
  deliverEphemeral?(bytes: Uint8Array): void;
  /** The hub is closing (the instance shuts down): end the stream so its client reconnects. */
  end?(): void;
}

/** A stream's registration with the hub. */
export interface HubSubscription {
  /**
   * Tells the hub the topic's newest id as read from the database after
   * subscribing, so it knows where to read from when it has no position yet.
   */
  setHead(id: number): void;
  /** Removes the stream (idempotent). */
  unsubscribe(): void;
}

/** What the hub holds, for tests and health. */
export interface HubStats {
  /** Whether the feed connection is up. */
  listening: boolean;
  /** Topics with at least one stream. */
  topics: number;
  /** Streams subscribed, all topics together. */
  streams: number;
  /** Polls of the outbox made by the feed. */
  polls: number;
  /** Outbox queries made to feed streams. */
  fetches: number;
}

/** Options of {@linkcode createOutboxHub}. */
export interface OutboxHubOptions {
  /** Connection string of the feed connection; default `SUPABASE_DB_URL`. */
  url?: string;
  /** Database the new events are read from (as its owner); default the shared one. */
  db?: Db;
  /** Milliseconds without streams before the feed connection closes; default 30000. */
  idleMs?: number;
  /** Milliseconds between polls of the outbox; default 50. */
  pollMs?: number;
  /** Milliseconds between retries after a failed read or a lost connection; default 1000. */
  retryMs?: number;
  /** `application_name` of the feed connection; default `examsync-outbox-listener`. */
  applicationName?: string;
}

/** One function instance's hub. */
export interface OutboxHub {
  /**
   * Registers a stream for a topic, once the feed is running. Events that
   * commit from now on reach `subscriber.deliver`.
   *
   * @throws when the feed connection cannot be opened.
   */
  subscribe(topic: string, subscriber: HubSubscriber): Promise<HubSubscription>;
  stats(): HubStats;
  /** Ends every stream (each sends `event: reconnect`, reason `shutdown`) and closes the connection. */
  close(): Promise<void>;
}

interface TopicState {
  readonly topic: string;
  readonly subscribers: Set<HubSubscriber>;
  /** Highest id handed out; undefined until a stream reports the head. */
  cursor: number | undefined;
  /** A reconnect (or events the feed could not hand over) asks for a read. */
  wanted: boolean;
  fetching: boolean;
  retryTimer?: Timer;
}

/**
 * Creates a hub. Nothing connects before the first subscription.
 *
 * @example
 * ```ts
 * const hub = createOutboxHub({ idleMs: 1000 });
 * const subscription = await hub.subscribe("attempt:0b7c…", { deliver: (events) => console.log(events) });
 * subscription.setHead(await lastEventId(db.sql, "attempt:0b7c…"));
 * // …
 * subscription.unsubscribe();
 * await hub.close();
 * ```
 */
export function createOutboxHub(options: OutboxHubOptions = {}): OutboxHub {
  const idleMs = options.idleMs ?? 30_000;
  const retryMs = options.retryMs ?? 1000;
  const topics = new Map<string, TopicState>();
  const ending = new Set<Promise<void>>();
  let feed: OutboxFeed | undefined;
  let listening: Promise<void> | undefined;
  let generation = 0;
  let connected = false;
  let closed = false;
  let idleTimer: Timer | undefined;
  let reconnectTimer: Timer | undefined;
  let fetches = 0;
  let polls = 0;
  let stopFlush: (() => void) | undefined;

  function db(): Db {
    return options.db ?? getDb();
  }

  /** Opens a new feed. Its loss makes the hub open it again and read what it missed. */
  function listen(): Promise<void> {
    if (listening === undefined) {
      const mine = ++generation;
      const attempt: Promise<void> = (async () => {
        const opened = await openOutboxFeed({
          url: options.url ?? getConfig().dbUrl,
          applicationName: options.applicationName ?? "examsync-outbox-listener",
          intervalMs: options.pollMs ?? 50,
          onEvents: (events) => {
            if (mine === generation) onEvents(events);
          },
          onRescan: () => {
            if (mine === generation) rescan();
          },
          onLost: (error) => onLost(mine, error),
          listen: {
            channels: [EPHEMERAL_CHANNEL],
            onNotification: (channel, payload) => {
              if (mine === generation && channel === EPHEMERAL_CHANNEL) onEphemeral(payload);
            },
          },
        });
        if (mine !== generation || closed) {
          await opened.close();
          return;
        }
        feed = opened;
        connected = true;
        stopFlush ??= startProgressFlush(db());
      })();
      listening = attempt;
      attempt.catch(() => {
        if (listening === attempt) listening = undefined;
      });
    }
    return listening;
  }

  function onLost(mine: number, error: unknown): void {
    if (mine !== generation) return; // a feed closed for idleness, or already replaced
    if (feed !== undefined) polls += feed.polls;
    feed = undefined;
    stopFlush?.();
    stopFlush = undefined;
    const wasConnected = connected;
    connected = false;
    listening = undefined;
    generation++;
    if (!wasConnected || closed || topics.size === 0) return;
    console.error(
      `attempt-events: the outbox feed connection closed (${error}); opening it again in ${retryMs} ms`,
    );
    scheduleReconnect(retryMs);
  }

  function scheduleReconnect(delay: number): void {
    if (closed || reconnectTimer !== undefined) return;
    reconnectTimer = setTimeout(async () => {
      reconnectTimer = undefined;
      if (closed || topics.size === 0) return;
      try {
        await listen();
      } catch (error) {
        console.error("attempt-events: cannot open the outbox feed again:", error);
        scheduleReconnect(retryMs);
        return;
      }
      // Events committed while no feed ran were not handed over: read every topic again.
      rescan();
    }, delay);
  }

  function rescan(): void {
    for (const state of topics.values()) {
      state.wanted = true;
      void pump(state);
    }
  }

  /** Hands the feed's events to their topics' streams. */
  function onEvents(rows: readonly StreamEvent[]): void {
    let byTopic: Map<TopicState, StreamEvent[]> | undefined;
    for (const row of rows) {
      const state = topics.get(row.topic);
      if (state === undefined) continue;
      if (state.cursor === undefined || state.fetching || state.wanted) {
        // A read of the topic is pending or running: it takes these events too.
        state.wanted = true;
        void pump(state);
        continue;
      }
      if (row.id <= state.cursor) continue;
      byTopic ??= new Map();
      let list = byTopic.get(state);
      if (list === undefined) byTopic.set(state, list = []);
      list.push(row);
    }
    if (byTopic === undefined) return;
    for (const [state, list] of byTopic) deliver(state, list);
  }

  /** Hands a topic's new rows, encoded once, to each of its streams and moves its position. */
  function deliver(state: TopicState, rows: readonly StreamEvent[]): void {
    const events = rows.map(encodeEvent);
    state.cursor = events[events.length - 1]!.id;
    for (const subscriber of state.subscribers) {
      try {
        subscriber.deliver(events);
      } catch (error) {
        console.error("attempt-events: a stream failed to take events:", error);
      }
    }
  }

  /** Ephemeral events reach the streams listening now, and no one else: nothing is read or kept. */
  function onEphemeral(payload: string): void {
    const encoded = decodeEphemeral(payload);
    const state = encoded === undefined ? undefined : topics.get(encoded.topic);
    if (encoded === undefined || state === undefined) return;
    for (const subscriber of state.subscribers) {
      try {
        subscriber.deliverEphemeral?.(encoded.bytes);
      } catch (error) {
        console.error("attempt-events: a stream failed to take an ephemeral event:", error);
      }
    }
  }

  async function pump(state: TopicState): Promise<void> {
    if (state.fetching || state.cursor === undefined || !state.wanted) return;
    state.fetching = true;
    try {
      while (state.wanted && state.cursor !== undefined && topics.get(state.topic) === state) {
        state.wanted = false;
        fetches++;
        const rows = await selectEvents(db().sql, state.topic, state.cursor, PAGE_SIZE);
        if (rows.length === 0) continue;
        deliver(state, rows);
        if (rows.length === PAGE_SIZE) state.wanted = true;
      }
    } catch (error) {
      console.error(`attempt-events: cannot read new events of ${state.topic}:`, error);
      state.wanted = true;
      if (!closed && state.retryTimer === undefined && topics.get(state.topic) === state) {
        state.retryTimer = setTimeout(() => {
          state.retryTimer = undefined;
          void pump(state);
        }, retryMs);
      }
    } finally {
      state.fetching = false;
    }
  }

  function remove(state: TopicState, subscriber: HubSubscriber): void {
    if (!state.subscribers.delete(subscriber)) return;
    if (state.subscribers.size > 0 || topics.get(state.topic) !== state) return;
    topics.delete(state.topic);
    clearTimeout(state.retryTimer);
    state.retryTimer = undefined;
    if (topics.size === 0 && !closed) {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(stopListening, idleMs);
    }
  }

  function stopListening(): void {
    idleTimer = undefined;
    if (topics.size > 0 || listening === undefined) return;
    const current = feed;
    if (current !== undefined) polls += current.polls;
    feed = undefined;
    stopFlush?.();
    stopFlush = undefined;
    listening = undefined;
    connected = false;
    generation++;
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    if (current === undefined) return;
    const end = current.close().catch(() => {}).finally(() => ending.delete(end));
    ending.add(end);
  }

  async function subscribe(topic: string, subscriber: HubSubscriber): Promise<HubSubscription> {
    if (closed) throw new Error("Cannot subscribe: the outbox hub is closed");
    clearTimeout(idleTimer);
    idleTimer = undefined;
    let state = topics.get(topic);
    if (state === undefined) {
      state = { topic, subscribers: new Set(), cursor: undefined, wanted: false, fetching: false };
      topics.set(topic, state);
    }
    const joined = state;
    joined.subscribers.add(subscriber);
    try {
      await listen();
    } catch (error) {
      remove(joined, subscriber);
      throw error;
    }
    return {
      setHead(id: number): void {
        if (joined.cursor !== undefined || !joined.subscribers.has(subscriber)) return;
        joined.cursor = id;
        void pump(joined);
      },
      unsubscribe(): void {
        remove(joined, subscriber);
      },
    };
  }

  function stats(): HubStats {
    let streams = 0;
    for (const state of topics.values()) streams += state.subscribers.size;
    return {
      listening: connected,
      topics: topics.size,
      streams,
      polls: polls + (feed?.polls ?? 0),
      fetches,
    };
  }

  async function close(): Promise<void> {
    closed = true;
    clearTimeout(idleTimer);
    clearTimeout(reconnectTimer);
    idleTimer = reconnectTimer = undefined;
    const subscribers: HubSubscriber[] = [];
    for (const state of topics.values()) {
      clearTimeout(state.retryTimer);
      subscribers.push(...state.subscribers);
    }
    topics.clear();
    for (const subscriber of subscribers) {
      try {
        subscriber.end?.();
      } catch (error) {
        console.error("attempt-events: a stream failed to end:", error);
      }
    }
    stopListening();
    await Promise.all(ending);
  }

  return { subscribe, stats, close };
}

let shared: OutboxHub | undefined;

/**
 * The instance's hub, created on first use from `SUPABASE_DB_URL`,
 * `ATTEMPT_EVENTS_HUB_IDLE_MS` and `ATTEMPT_EVENTS_POLL_MS`.
 *
 * @example
 * ```ts
 * getOutboxHub().stats().streams; // open streams of this instance
 * ```
 */
export function getOutboxHub(): OutboxHub {
  shared ??= createOutboxHub({
    idleMs: getEventsSettings().hubIdleMs,
    pollMs: getEventsSettings().pollMs,
  });
  return shared;
}

/**
 * Closes the instance's hub, if it was created (tests, shutdown).
 *
 * @example
 * ```ts
 * await closeOutboxHub();
 * ```
 */
export async function closeOutboxHub(): Promise<void> {
  const hub = shared;
  shared = undefined;
  await hub?.close();
}
