/**
 * `createExamClient`: the SDK's entry, over a supabase-js client.
 *
 * @module
 */

import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../../types/database.types.ts";
import { type ChatRoom, type ChatRoomOptions, openChatRoom } from "./chat.ts";
import { openLeaderboard, type LeaderboardData, type LeaderboardOptions } from "./leaderboard.ts";
import type { LiveQuery } from "./live-query.ts";
import { type NotificationFeed, type NotificationFeedOptions, openNotificationFeed } from "./notifications.ts";
import { defaultLocks, type Locks } from "./locks.ts";
import { joinSession, type JoinedSession, type JoinSessionOptions } from "./live-session.ts";
import { type Scheduler, systemScheduler } from "./scheduler.ts";
import { AttemptSession, type AttemptSessionOptions, type SessionContext } from "./session.ts";
import { defaultStore, type QueueStore } from "./stores.ts";
import type { Fetch } from "./transport.ts";

/** Options of {@linkcode createExamClient}. */
export interface ExamClientOptions extends AttemptSessionOptions {
  /** A supabase-js client, signed in as the student (or teacher). */
  supabase: SupabaseClient<any, any, any>;
  /** Where the edge functions are (default the client's `<url>/functions/v1`). */
  functionsUrl?: string;
  /** Where offline queues are kept (default IndexedDB in browsers, else memory). */
  store?: QueueStore;
  /**
   * `fetch` for the edge functions; default supabase-js's own, which sends the
   * `apikey` and the signed-in user's token.
   */
  fetch?: Fetch;
  /**
   * Locks shared by the tabs (default the Web Locks API in browsers, else this
   * process's): each tab holds its own client id; queue writes merge, never overwrite.
   */
  locks?: Locks;
  /** The device's clock and timers (tests pass a fake). */
  scheduler?: Scheduler;
  /** A number in [0, 1) for backoff jitter (default `Math.random`). */
  random?: () => number;
  /** Makes op ids and client ids (default `crypto.randomUUID`). */
  uuid?: () => string;
}

/** The SDK's client. */
export interface ExamClient {
  /** The supabase-js client, typed with the generated `Database`. */
  readonly supabase: SupabaseClient<Database>;
  /** Opens an attempt: loads it, resumes its offline queue, subscribes to its events. */
  open(attemptId: string, options?: AttemptSessionOptions): Promise<AttemptSession>;
  /** Live sessions (join by code, wait for launch). */
  readonly sessions: {
    join(joinCode: string, options?: JoinSessionOptions): Promise<JoinedSession>;
  };
  /** Chat rooms: history, live messages, idempotent sends, typing, read pointer. */
  readonly chat: {
    open(roomId: string, options?: ChatRoomOptions): Promise<ChatRoom>;
  };
  /** The signed-in user's notification feed with unread counts. */
  readonly notifications: {
    open(options?: NotificationFeedOptions): Promise<NotificationFeed>;
  };
  /** Live leaderboards of an academy. */
  readonly leaderboards: {
    open(options: LeaderboardOptions): Promise<LiveQuery<LeaderboardData>>;
  };
  /**
   * What every helper gets: the supabase client, the functions URL and an
   * authenticated fetch, the store and locks, the clock. For helpers of your own.
   */
  readonly context: SessionContext;
}

/**
 * Creates the SDK's client.
 *
 * @example
 * ```ts
 * const exam = createExamClient({ supabase });
 * const attempt = await exam.open(attemptId);
 * await attempt.answer(questionId, "b");
 * ```
 */
export function createExamClient(options: ExamClientOptions): ExamClient {
  const { supabase, functionsUrl, store, locks, fetch, scheduler, random, uuid, ...sessionDefaults } = options;
  const internals = supabase as unknown as { functionsUrl?: URL | string; fetch?: Fetch };
  const baseUrl = functionsUrl ?? (internals.functionsUrl === undefined ? undefined : String(internals.functionsUrl));
  if (baseUrl === undefined) {
    throw new Error("Cannot create exam client: pass functionsUrl (the supabase client does not tell it)");
  }
  const context: SessionContext = {
    supabase,
    functionsUrl: baseUrl.replace(/\/+$/, ""),
    fetch: fetch ?? internals.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    store: store ?? defaultStore(),
    locks: locks ?? defaultLocks(),
    scheduler: scheduler ?? systemScheduler(),
    random: random ?? Math.random,
    uuid: uuid ?? (() => globalThis.crypto.randomUUID()),
  };
  return {
    supabase: supabase as SupabaseClient<Database>,
    context,
    open: (attemptId, overrides) => AttemptSession.open(context, attemptId, { ...sessionDefaults, ...overrides }),
    sessions: {
      join: (joinCode, joinOptions) => joinSession(context, joinCode, { events: sessionDefaults.events, ...joinOptions }),
    },
    chat: {
      open: (roomId, roomOptions) => openChatRoom(context, roomId, { events: sessionDefaults.events, ...roomOptions }),
    },
    notifications: {
      open: (feedOptions) => openNotificationFeed(context, { events: sessionDefaults.events, ...feedOptions }),
    },
    leaderboards: {
      open: (boardOptions) => openLeaderboard(context, { events: sessionDefaults.events, ...boardOptions }),
    },
  };
}
