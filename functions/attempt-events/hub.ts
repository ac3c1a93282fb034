/**
 * The outbox hub of a function instance: ONE connection that `LISTEN`s on
 * `examsync_outbox` and fans each notification out to the streams of its
 * topic. It also listens on `examsync_ephemeral`, whose notifications carry a
 * whole id-less event (typing) handed to the topic's streams as is
 * (`./ephemeral.ts`). For a notified topic the hub reads the new outbox rows once (one
 * query per topic however many streams watch it, bursts coalesced), encodes
 * each event once, and hands the same bytes to every stream of the topic;
 * each stream skips ids it has already sent.
 *
 * No gap: a stream subscribes (and the hub is listening) before it reads its
 * replay, and the hub's position in a topic only ever comes from ids read from
 * the database, while outbox ids grow in commit order within a topic. After a
 * lost connection the hub listens again and re-reads every topic from its
 * position, so notifications missed meanwhile cost nothing.
 *
 * The `LISTEN` connection must be a session connection (direct, or Supavisor
 * session mode), not the transaction pooler.
 *
 * @module
 */

// @ts-types="../_shared/pg.d.ts"
import pg, { type Client } from "pg";
import { type Db, getDb } from "../_shared/db.ts";
import { getConfig } from "../_shared/env.ts";
import { getEventsSettings } from "./config.ts";
import { PAGE_SIZE, selectEvents } from "./outbox.ts";
import { type EncodedEvent, encodeEvent } from "./sse.ts";
import { decodeEphemeral, EPHEMERAL_CHANNEL } from "./ephemeral.ts";

type Timer = ReturnType<typeof setTimeout>;

/** The channel the outbox trigger notifies: `{"id": <outbox id>, "topic": "<topic>"}`. */
export const OUTBOX_CHANNEL = "examsync_outbox";

/** A stream fed by the hub. */
export interface HubSubscriber {
  /** New events of the subscribed topic, in id order (some may be older than what it sent). */
  deliver(events: readonly EncodedEvent[]): void;
  /** The hub is closing (the instance shuts down): end the stream so its client reconnects. */
  end?(): void;
  /** An ephemeral event of the topic (no id, never replayed; see `./ephemeral.ts`), encoded. */
  deliverEphemeral?(bytes: Uint8Array): void;
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
  /** Whether the `LISTEN` connection is up. */
  listening: boolean;
  /** Topics with at least one stream. */
  topics: number;
  /** Streams subscribed, all topics together. */
  streams: number;
  /** Notifications received (all topics, ephemeral ones included). */
  notifications: number;
  /** Outbox queries made to feed streams. */
  fetches: number;
}

/** Options of {@linkcode createOutboxHub}. */
export interface OutboxHubOptions {
  /** Connection string of the `LISTEN` connection; default `SUPABASE_DB_URL`. */
  url?: string;
  /** Database the new events are read from (as its owner); default the shared one. */
  db?: Db;
  /** Milliseconds without streams before the `LISTEN` connection closes; default 30000. */
  idleMs?: number;
  /** Milliseconds between retries after a failed read or a lost connection; default 1000. */
  retryMs?: number;
  /** `application_name` of the `LISTEN` connection; default `examsync-outbox-listener`. */
  applicationName?: string;
}

/** One function instance's hub. */
export interface OutboxHub {
  /**
   * Registers a stream for a topic, once the hub is listening. Events that
   * commit from now on reach `subscriber.deliver`.
   *
   * @throws when the `LISTEN` connection cannot be opened.
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
  /** A notification (or a reconnect) asks for a read. */
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
  let client: Client | undefined;
  let listening: Promise<void> | undefined;
  let connected = false;
  let closed = false;
  let idleTimer: Timer | undefined;
  let reconnectTimer: Timer | undefined;
  let notifications = 0;
  let fetches = 0;

  function db(): Db {
    return options.db ?? getDb();
  }

  /**
   * Connects a new `LISTEN` client. Its 'error' and 'end' events (a lost
   * connection) make the hub listen again and read what it missed.
   */
  function listen(): Promise<void> {
    if (listening === undefined) {
      const current = new pg.Client({
        connectionString: options.url ?? getConfig().dbUrl,
        application_name: options.applicationName ?? "examsync-outbox-listener",
        keepAlive: true,
        connectionTimeoutMillis: 5000,
      });
      client = current;
      current.on("notification", (message) => onNotify(message.channel, message.payload ?? ""));
      current.on("error", () => onClose(current));
      current.on("end", () => onClose(current));
      const attempt: Promise<void> = (async () => {
        await current.connect();
        await current.query(`listen ${OUTBOX_CHANNEL}`);
        await current.query(`listen ${EPHEMERAL_CHANNEL}`);
        if (client === current) connected = true;
      })();
      listening = attempt;
      attempt.catch(() => {
        if (listening !== attempt) return;
        listening = undefined;
        if (client === current) client = undefined;
        current.end().catch(() => {});
      });
    }
    return listening;
  }

  function onClose(instance: Client): void {
    if (instance !== client) return; // a client closed for idleness, or already replaced
    client = undefined;
    const wasConnected = connected;
    connected = false;
    listening = undefined;
    instance.end().catch(() => {});
    if (!wasConnected || closed || topics.size === 0) return;
    console.error(`attempt-events: the LISTEN connection closed; listening again in ${retryMs} ms`);
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
        console.error("attempt-events: cannot listen again:", error);
        scheduleReconnect(retryMs);
        return;
      }
      // Notifications sent while no one listened are lost: read every topic again.
      for (const state of topics.values()) {
        state.wanted = true;
        void pump(state);
      }
    }, delay);
  }

  function onNotify(channel: string, payload: string): void {
    if (channel === EPHEMERAL_CHANNEL) {
      notifications++;
      onEphemeral(payload);
      return;
    }
    if (channel !== OUTBOX_CHANNEL) return;
    notifications++;
    let notice: { id?: unknown; topic?: unknown };
    try {
      notice = JSON.parse(payload);
    } catch {
      return;
    }
    if (typeof notice.topic !== "string") return;
    const state = topics.get(notice.topic);
    if (state === undefined) return;
    if (
      typeof notice.id === "number" && state.cursor !== undefined && notice.id <= state.cursor
    ) {
      return;
    }
    state.wanted = true;
    void pump(state);
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
        const events = rows.map(encodeEvent);
        state.cursor = events[events.length - 1]!.id;
        for (const subscriber of state.subscribers) {
          try {
            subscriber.deliver(events);
          } catch (error) {
            console.error("attempt-events: a stream failed to take events:", error);
          }
        }
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
    if (topics.size > 0 || client === undefined) return;
    const current = client;
    client = undefined;
    listening = undefined;
    connected = false;
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const end = current.end().catch(() => {}).finally(() => ending.delete(end));
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
    return { listening: connected, topics: topics.size, streams, notifications, fetches };
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
 * The instance's hub, created on first use from `SUPABASE_DB_URL` and
 * `ATTEMPT_EVENTS_HUB_IDLE_MS`.
 *
 * @example
 * ```ts
 * getOutboxHub().stats().streams; // open streams of this instance
 * ```
 */
export function getOutboxHub(): OutboxHub {
  shared ??= createOutboxHub({ idleMs: getEventsSettings().hubIdleMs });
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
