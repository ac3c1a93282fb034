/**
 * Live events of one topic (`attempt:<id>`, `user:<id>`, `session:<id>`...): the
 * Supabase Realtime private channel when the project has one, else the
 * `attempt-events` SSE stream, which resumes after a reconnect from the last event
 * id it saw (`Last-Event-ID`), so nothing is missed and nothing is repeated.
 *
 * @module
 */

import type { SupabaseClient } from "@supabase/supabase-js";
import { backoffDelay } from "./backoff.ts";
import type { Scheduler, TimerHandle } from "./scheduler.ts";
import { readSse, SseOpenError } from "./sse.ts";
import type { Fetch } from "./transport.ts";

/** An event of a topic: the outbox row's `event` and `payload`, and its id when it has one. */
export interface TopicEvent {
  /** Outbox id (grows within a topic); absent for ephemeral signals such as typing. */
  id?: number;
  event: string;
  payload: Record<string, unknown>;
}

/** How live events arrive: `auto` tries Realtime first and falls back to SSE. */
export type EventsMode = "auto" | "realtime" | "sse" | "none";

/** Options of {@linkcode subscribeTopic}. */
export interface SubscribeTopicOptions {
  supabase: SupabaseClient<any, any, any>;
  fetch: Fetch;
  functionsUrl: string;
  topic: string;
  mode: EventsMode;
  /** Resume the SSE stream after this id (events up to it are known). */
  lastEventId?: number;
  scheduler: Scheduler;
  random?: () => number;
  /** How long `auto` waits for the Realtime channel before it uses SSE (default 5,000 ms). */
  realtimeTimeoutMs?: number;
  onEvent(event: TopicEvent): void;
  /** Connected or not, and by which transport. */
  onStatus(connected: boolean, transport: "realtime" | "sse"): void;
  /**
   * The channel (re)joined without replay (Realtime): events may have been missed,
   * so the caller reloads what it shows.
   */
  onResync?(): void;
}

/** A live subscription. */
export interface TopicSubscription {
  /** The transport in use (`none` before the first one is chosen). */
  readonly transport: "realtime" | "sse" | "none";
  /** Reconnects now (after a network change) instead of waiting for the backoff. */
  reconnect(): void;
  close(): void;
}

/**
 * Subscribes to a topic.
 *
 * @example
 * ```ts
 * const subscription = subscribeTopic({ supabase, fetch, functionsUrl, topic: `attempt:${id}`, mode: "auto",
 *   scheduler: systemScheduler(), onEvent: console.log, onStatus: console.log });
 * subscription.close();
 * ```
 */
export function subscribeTopic(options: SubscribeTopicOptions): TopicSubscription {
  let transport: "realtime" | "sse" | "none" = "none";
  let closed = false;
  let stopSse: (() => void) | undefined;
  let reconnectSse: (() => void) | undefined;
  let channel: { unsubscribe(): unknown } | undefined;

  const startSse = () => {
    transport = "sse";
    const sse = followSse(options, () => closed);
    stopSse = sse.stop;
    reconnectSse = sse.reconnect;
  };

  const realtime = options.supabase as Partial<SupabaseClient<any, any, any>>;
  const canRealtime = typeof realtime.channel === "function" && options.mode !== "sse";
  if (options.mode === "none") {
    // nothing to subscribe to
  } else if (!canRealtime) {
    startSse();
  } else {
    transport = "realtime";
    let joined = false;
    const fallback = options.mode === "auto"
      ? options.scheduler.setTimeout(() => {
        if (joined || closed) return;
        void options.supabase.removeChannel(channel as never);
        channel = undefined;
        startSse();
      }, options.realtimeTimeoutMs ?? 5000)
      : undefined;
    void Promise.resolve(options.supabase.realtime.setAuth()).catch(() => {}).then(() => {
      if (closed || transport !== "realtime") return;
      const created = options.supabase.channel(options.topic, { config: { private: true } });
      channel = created;
      created.on("broadcast", { event: "*" }, (message: { event: string; payload?: Record<string, unknown> }) => {
        const payload = message.payload ?? {};
        const id = typeof payload.event_id === "number" ? payload.event_id : undefined;
        options.onEvent({ ...(id === undefined ? {} : { id }), event: message.event, payload });
      });
      created.subscribe((status: string) => {
        if (closed) return;
        if (status === "SUBSCRIBED") {
          joined = true;
          if (fallback !== undefined) options.scheduler.clearTimeout(fallback);
          options.onStatus(true, "realtime");
          options.onResync?.();
        } else if (transport === "realtime") {
          options.onStatus(false, "realtime");
        }
      });
    });
  }

  return {
    get transport() {
      return transport;
    },
    reconnect() {
      reconnectSse?.();
    },
    close() {
      closed = true;
      stopSse?.();
      if (channel !== undefined) void options.supabase.removeChannel(channel as never);
    },
  };
}

/** Follows the SSE stream as EventSource would, with backoff between failed opens. */
function followSse(options: SubscribeTopicOptions, isClosed: () => boolean) {
  let lastEventId = options.lastEventId;
  let controller: AbortController | undefined;
  let timer: TimerHandle | undefined;
  let failures = 0;
  const url = `${options.functionsUrl}/attempt-events?topic=${encodeURIComponent(options.topic)}`;

  const connect = async () => {
    timer = undefined;
    if (isClosed()) return;
    controller = new AbortController();
    let opened = false;
    let retryNow = false;
    try {
      await readSse(options.fetch, url, {
        signal: controller.signal,
        ...(lastEventId === undefined ? {} : { lastEventId: String(lastEventId) }),
        onOpen: () => {
          opened = true;
          failures = 0;
          options.onStatus(true, "sse");
        },
        onMessage: (message) => {
          if (message.id !== undefined && /^\d+$/.test(message.id)) lastEventId = Number(message.id);
          if (message.event === "reconnect") {
            retryNow = true;
            return;
          }
          let data: { id?: unknown; event?: unknown; payload?: unknown } | undefined;
          try {
            data = JSON.parse(message.data);
          } catch {
            return;
          }
          if (data === null || typeof data !== "object") return;
          const payload = (data.payload !== null && typeof data.payload === "object" ? data.payload : data) as Record<
            string,
            unknown
          >;
          const id = message.id !== undefined && /^\d+$/.test(message.id) ? Number(message.id) : undefined;
          options.onEvent({ ...(id === undefined ? {} : { id }), event: message.event, payload });
        },
      });
    } catch (error) {
      if (error instanceof SseOpenError && error.status >= 400 && error.status < 500) failures += 2;
    }
    if (isClosed()) return;
    if (opened) options.onStatus(false, "sse");
    const delay = retryNow ? 0 : backoffDelay(failures, { baseMs: 1000, maxMs: 30_000, random: options.random });
    failures += 1;
    timer = options.scheduler.setTimeout(() => void connect(), delay);
  };
  void connect();
  return {
    stop() {
      controller?.abort();
      if (timer !== undefined) options.scheduler.clearTimeout(timer);
    },
    reconnect() {
      if (timer === undefined) return; // connected or connecting
      options.scheduler.clearTimeout(timer);
      failures = 0;
      void connect();
    },
  };
}
