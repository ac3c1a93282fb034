/**
 * One SSE stream of a topic: access checked once, replay from the outbox after
 * the client's last id, then live events from the hub, with heartbeats, and
 * an end at the token's expiry or the maximum lifetime.
 *
 * The first message is `ready`, carrying where the stream stands as its `id`, so
 * a client reconnecting before any event resumes from there.
 *
 * Order matters for "no gap, no duplicate": the stream subscribes to the hub
 * first (events committed from then on reach it and wait in a buffer), then
 * reads the topic's head and its replay, sends the replay, then the buffered
 * and live events whose id is above the last one it sent.
 *
 * @module
 */

import type { Db } from "../_shared/db.ts";
import { HttpError } from "../_shared/errors.ts";
import type { UserClaims } from "../_shared/jwt.ts";
import type { ReconnectEvent, StreamEvent } from "../../types/sync.ts";
import type { HubSubscriber, HubSubscription, OutboxHub } from "./hub.ts";
import { joinHeartbeat } from "./heartbeat.ts";
import { lastEventId as selectHead, PAGE_SIZE, selectEvents } from "./outbox.ts";
import {
  encodeComment,
  type EncodedEvent,
  encodeEvent,
  encodeReady,
  encodeReconnect,
} from "./sse.ts";

type Timer = ReturnType<typeof setTimeout>;

/** Why the server ends a stream. */
export type EndReason = ReconnectEvent["reason"];

/** Options of {@linkcode openEventStream}. */
export interface EventStreamOptions {
  hub: OutboxHub;
  db: Db;
  /** The caller; the stream ends when `claims.exp` is reached. */
  claims: UserClaims;
  /** The request (its settings reach the database as PostgREST's do; its signal ends the stream). */
  request: Request;
  topic: string;
  /** Resume after this outbox id; `undefined` starts with events committed from now on. */
  lastEventId?: number;
  heartbeatMs: number;
  maxLifetimeMs: number;
  retryMs: number;
  /** Bytes a slow client may leave unread before the stream ends; default 1 MiB. */
  maxQueuedBytes?: number;
  /** Live events kept while the replay is still being sent; default 10000. */
  maxBufferedEvents?: number;
  /**
   * Called once the stream is open and at every heartbeat while it stays open
   * (room streams refresh the caller's online status with it).
   */
  onAlive?: () => void;
}

const HEARTBEAT = encodeComment("keep-alive");
const HIGH_WATER_MARK = 64 * 1024;

/**
 * Opens the stream: 403 `topic_forbidden` when the caller may not read the
 * topic, else a `text/event-stream` response.
 *
 * @example
 * ```ts
 * return await openEventStream({ hub, db, claims, request, topic: "attempt:0b7c…", lastEventId: 41,
 *   heartbeatMs: 15000, maxLifetimeMs: 140000, retryMs: 3000 });
 * ```
 * @throws {HttpError} 403 `topic_forbidden`; database errors as they come.
 */
export async function openEventStream(options: EventStreamOptions): Promise<Response> {
  const { hub, db, claims, request, topic } = options;
  const maxQueuedBytes = options.maxQueuedBytes ?? 1024 * 1024;
  const maxBufferedEvents = options.maxBufferedEvents ?? 10_000;

  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let live = false;
  let finished = false;
  let last = 0;
  let buffered: EncodedEvent[] = [];
  let overflowed = false;
  let endReason: EndReason | undefined;
  let leaveHeartbeat: (() => void) | undefined;
  let endTimer: Timer | undefined;

  const subscriber: HubSubscriber = {
    deliver(events) {
      if (finished) return;
      if (!live) {
        if (buffered.length + events.length > maxBufferedEvents) overflowed = true;
        else buffered.push(...events);
        return;
      }
      send(events);
    },
    end() {
      finish("shutdown");
    },
    deliverEphemeral(bytes) {
      // Only streams that are live hear ephemeral events: they are never replayed.
      if (live && !finished) enqueue(bytes);
    },
  };

  function send(events: readonly EncodedEvent[]): void {
    for (const event of events) {
      if (event.id <= last) continue;
      last = event.id;
      enqueue(event.bytes);
    }
  }

  function enqueue(bytes: Uint8Array): void {
    if (finished || controller === undefined) return;
    const desired = controller.desiredSize;
    if (desired !== null && desired < -maxQueuedBytes) {
      finish("slow_consumer");
      return;
    }
    controller.enqueue(bytes);
  }

  function finish(reason?: EndReason): void {
    if (finished) return;
    endReason = reason;
    if (reason !== undefined && controller !== undefined) {
      try {
        controller.enqueue(encodeReconnect({ reason }));
      } catch { /* already closed */ }
    }
    finished = true;
    leaveHeartbeat?.();
    clearTimeout(endTimer);
    request.signal.removeEventListener("abort", onAbort);
    subscription.unsubscribe();
    buffered = [];
    try {
      controller?.close();
    } catch { /* already closed or cancelled */ }
  }

  function onAbort(): void {
    finish();
  }

  // 1. Subscribe first: from now on committed events reach the buffer.
  const subscription: HubSubscription = await hub.subscribe(topic, subscriber);

  // 2. Check access, read the head and the first page of the replay, in one transaction
  //    as the caller (RLS applies to the replay exactly as to a client's own select).
  let first: { head: number; page: StreamEvent[] };
  try {
    const checked = await db.withUser(claims, request, async (sql) => {
      const [row] = await sql<{ allowed: boolean }[]>`
        select coalesce(private.can_read_topic(${topic}), false) as allowed
      `;
      if (!row?.allowed) return undefined;
      const head = await selectHead(sql, topic);
      const page = options.lastEventId === undefined
        ? []
        : await selectEvents(sql, topic, options.lastEventId, PAGE_SIZE);
      return { head, page };
    }, { readOnly: true });
    if (checked === undefined) {
      throw new HttpError(403, {
        code: "topic_forbidden",
        message: `Cannot open stream: you may not read topic ${topic}`,
      });
    }
    first = checked;
  } catch (error) {
    subscription.unsubscribe();
    throw error;
  }
  subscription.setHead(first.head);
  // A last id above the head (the topic's events were pruned, or a database was reset)
  // resumes from the head rather than waiting for ids the client claims to have seen.
  last = Math.min(options.lastEventId ?? first.head, first.head);

  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      streamController.enqueue(encodeReady({ lastEventId: last, retryMs: options.retryMs }));
      if (finished) {
        // Ended (the hub closed) while the access check ran.
        if (endReason !== undefined) {
          streamController.enqueue(encodeReconnect({ reason: endReason }));
        }
        streamController.close();
        return;
      }
      leaveHeartbeat = joinHeartbeat(options.heartbeatMs, () => {
        enqueue(HEARTBEAT);
        if (!finished) options.onAlive?.();
      });
      options.onAlive?.();
      const untilExpiry = claims.exp * 1000 - Date.now();
      const lifetime = Math.max(0, Math.min(untilExpiry, options.maxLifetimeMs));
      endTimer = setTimeout(
        () => finish(untilExpiry <= options.maxLifetimeMs ? "token_expired" : "max_lifetime"),
        lifetime,
      );
      request.signal.addEventListener("abort", onAbort, { once: true });
      if (request.signal.aborted) finish();
      void replay(first.page);
    },
    cancel() {
      finish();
    },
  }, { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength });

  // 3. Send the replay page by page, then what the hub buffered meanwhile, then go live.
  async function replay(page: StreamEvent[]): Promise<void> {
    try {
      for (;;) {
        send(page.map(encodeEvent));
        if (finished || page.length < PAGE_SIZE) break;
        const after = last;
        page = await db.withUser(
          claims,
          request,
          (sql) => selectEvents(sql, topic, after, PAGE_SIZE),
          { readOnly: true },
        );
      }
      if (finished) return;
      if (overflowed) {
        finish("slow_consumer");
        return;
      }
      live = true;
      const pending = buffered;
      buffered = [];
      send(pending);
    } catch (error) {
      console.error(`attempt-events: cannot replay ${topic}:`, error);
      finish("error");
    }
  }

  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
