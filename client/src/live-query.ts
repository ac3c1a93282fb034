/**
 * A query kept fresh by events: loads once, then loads again (debounced) whenever
 * one of its topics has an event or its stream reconnects. The base of the live
 * notification feed and the live leaderboard.
 *
 * @module
 */

import { Emitter } from "./emitter.ts";
import { type EventsMode, subscribeTopic, type TopicEvent, type TopicSubscription } from "./events.ts";
import type { TimerHandle } from "./scheduler.ts";
import type { SessionContext } from "./session.ts";

/** What a live query shows. */
export interface LiveState<T> {
  data: T | undefined;
  /** Events are arriving. */
  connected: boolean;
  /** The last load failed with this (cleared by the next good one). */
  error: Error | null;
}

/** A live query. */
export interface LiveQuery<T> {
  getState(): LiveState<T>;
  /** Calls `listener` after each change; returns a function that stops it. */
  subscribe(listener: (state: LiveState<T>) => void): () => void;
  /** Loads now. */
  refetch(): Promise<T>;
  close(): void;
}

/** Options of {@linkcode liveQuery}. */
export interface LiveQueryOptions<T> {
  topics: string[];
  load(): Promise<T>;
  /** Which events make it load again (default every one). */
  relevant?(event: TopicEvent): boolean;
  /** Waits this long after an event so a burst loads once (default 150 ms). */
  debounceMs?: number;
  /** How events arrive (default `auto`). */
  events?: EventsMode | undefined;
}

/**
 * Starts a live query (the first load is awaited).
 *
 * @example
 * ```ts
 * const board = await liveQuery(ctx, { topics: [`leaderboard:${academyId}`], load: fetchBoard });
 * board.subscribe(({ data }) => render(data));
 * ```
 */
export async function liveQuery<T>(ctx: SessionContext, options: LiveQueryOptions<T>): Promise<LiveQuery<T>> {
  let state: LiveState<T> = { data: undefined, connected: false, error: null };
  const emitter = new Emitter<{ change: LiveState<T> }>();
  const set = (patch: Partial<LiveState<T>>) => {
    state = { ...state, ...patch };
    emitter.emit("change", state);
  };
  let timer: TimerHandle | undefined;
  let closed = false;
  const refetch = async () => {
    try {
      const data = await options.load();
      if (!closed) set({ data, error: null });
      return data;
    } catch (error) {
      if (!closed) set({ error: error instanceof Error ? error : new Error(String(error)) });
      throw error;
    }
  };
  const soon = () => {
    if (closed || timer !== undefined) return;
    timer = ctx.scheduler.setTimeout(() => {
      timer = undefined;
      void refetch().catch(() => {});
    }, options.debounceMs ?? 150);
  };
  await refetch();
  const subscriptions: TopicSubscription[] = options.topics.map((topic) =>
    subscribeTopic({
      supabase: ctx.supabase,
      fetch: ctx.fetch,
      functionsUrl: ctx.functionsUrl,
      topic,
      mode: options.events ?? "auto",
      scheduler: ctx.scheduler,
      random: ctx.random,
      onEvent: (event) => {
        if (options.relevant?.(event) ?? true) soon();
      },
      onStatus: (connected) => {
        // A (re)connected stream may have missed events: load again.
        if (connected && !state.connected) soon();
        set({ connected });
      },
      onResync: soon,
    })
  );
  return {
    getState: () => state,
    subscribe: (listener) => emitter.on("change", listener),
    refetch,
    close() {
      closed = true;
      if (timer !== undefined) ctx.scheduler.clearTimeout(timer);
      for (const subscription of subscriptions) subscription.close();
    },
  };
}

/** Throws an RPC's error as an Error with its code and hint. */
export function unwrap<T>(what: string, result: { data: T | null; error: { message: string; code?: string; hint?: string } | null }): T {
  if (result.error) {
    throw Object.assign(new Error(`${what}: ${result.error.message}`), { code: result.error.code, hint: result.error.hint });
  }
  return result.data as T;
}

/**
 * The signed-in user's id (from the supabase client's session). A client made with the
 * `accessToken` option (third-party auth) has no session to ask: pass `userId` then.
 */
export async function currentUserId(ctx: SessionContext): Promise<string> {
  try {
    const { data } = await ctx.supabase.auth.getSession();
    const id = data.session?.user?.id;
    if (typeof id === "string") return id;
    const user = await ctx.supabase.auth.getUser();
    if (user.data.user?.id) return user.data.user.id;
  } catch {
    // supabase-js refuses auth.* on a client with the accessToken option
  }
  throw new Error("Cannot find the signed-in user: sign in first or pass userId");
}
