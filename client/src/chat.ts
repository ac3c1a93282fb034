/**
 * A chat room: its recent history, new messages live from the `room:` topic,
 * sending with an idempotent `client_msg_id` (a retry after a lost answer never
 * posts twice), who is typing, and the read pointer.
 *
 * @module
 */

import type { Database } from "../../types/database.types.ts";
import { Emitter } from "./emitter.ts";
import { type EventsMode, subscribeTopic, type TopicEvent } from "./events.ts";
import { unwrap } from "./live-query.ts";
import type { TimerHandle } from "./scheduler.ts";
import type { SessionContext } from "./session.ts";

/** A message as the RPCs return it. */
export type ChatMessage = Database["public"]["Functions"]["list_room_messages"]["Returns"][number];

/** What a room shows. */
export interface ChatRoomState {
  /** Oldest first, each once. */
  messages: readonly ChatMessage[];
  /** User ids typing now (for `typingTtlMs` after their last signal). */
  typing: readonly string[];
  /** The caller's read pointer as the server last said it. */
  lastReadMessageId: number;
  connected: boolean;
}

/** Options of {@linkcode openChatRoom}. */
export interface ChatRoomOptions {
  /** Messages of history to load (default 50). */
  historyLimit?: number;
  /** How long a typing signal shows (default 5,000 ms). */
  typingTtlMs?: number;
  /** Sends at most one typing signal per this many ms (default 3,000). */
  typingThrottleMs?: number;
  /** Attempts of one send on network errors, same client_msg_id each time (default 3). */
  sendAttempts?: number;
  events?: EventsMode | undefined;
}

/** An open chat room. */
export interface ChatRoom {
  readonly roomId: string;
  getState(): ChatRoomState;
  subscribe(listener: (state: ChatRoomState) => void): () => void;
  /** Posts a message; `clientMsgId` (default a fresh uuid) makes retries safe. */
  send(body: string, options?: { clientMsgId?: string; replyToId?: number }): Promise<ChatMessage>;
  /** Tells the room the caller is typing (throttled; never stored). */
  typing(): Promise<void>;
  /** Moves the read pointer to `upToMessageId` (default the newest message). */
  markRead(upToMessageId?: number): Promise<void>;
  close(): void;
}

/**
 * Opens a room the caller is a member of.
 *
 * @example
 * ```ts
 * const room = await exam.chat.open(roomId);
 * room.subscribe(({ messages }) => render(messages));
 * await room.send("Hello");
 * ```
 */
export async function openChatRoom(ctx: SessionContext, roomId: string, options: ChatRoomOptions = {}): Promise<ChatRoom> {
  const typingTtlMs = options.typingTtlMs ?? 5000;
  const emitter = new Emitter<{ change: ChatRoomState }>();
  const byId = new Map<number, ChatMessage>();
  const typingUntil = new Map<string, number>();
  let lastRead = 0;
  let connected = false;
  let state: ChatRoomState | undefined;
  let lastTypingSent = -Infinity;
  let expiry: TimerHandle | undefined;

  const computeState = (): ChatRoomState => {
    const now = ctx.scheduler.now();
    return {
      messages: [...byId.values()].sort((a, b) => a.id - b.id),
      typing: [...typingUntil].filter(([, until]) => until > now).map(([user]) => user),
      lastReadMessageId: lastRead,
      connected,
    };
  };
  const changed = () => {
    state = computeState();
    emitter.emit("change", state);
  };
  const upsert = (message: ChatMessage) => {
    if (message.room_id === roomId && typeof message.id === "number") byId.set(message.id, message);
  };
  const newestId = () => Math.max(0, ...byId.keys());

  const loadAfter = async (after?: number) => {
    const rows = unwrap<ChatMessage[]>("Cannot load messages", await ctx.supabase.rpc("list_room_messages", {
      p_room_id: roomId,
      p_limit: options.historyLimit ?? 50,
      ...(after === undefined ? {} : { p_after: after }),
    }));
    for (const row of rows) upsert(row);
    changed();
  };
  type RoomSummary = Database["public"]["CompositeTypes"]["chat_room_summary"];
  const rooms = unwrap<RoomSummary[]>("Cannot load rooms", await ctx.supabase.rpc("get_my_rooms"));
  lastRead = rooms.find((room) => room.room_id === roomId)?.last_read_message_id ?? 0;
  await loadAfter();

  const onEvent = (event: TopicEvent) => {
    const payload = event.payload;
    switch (event.event) {
      case "message_created":
      case "message_edited":
      case "message_deleted":
        if (typeof payload.id === "number" && typeof payload.room_id === "string") {
          upsert({ ...byId.get(payload.id), ...payload } as ChatMessage);
        }
        if (typeof payload.author_id === "string") typingUntil.delete(payload.author_id);
        break;
      case "typing":
        if (typeof payload.user_id === "string") {
          typingUntil.set(payload.user_id, ctx.scheduler.now() + typingTtlMs);
          if (expiry !== undefined) ctx.scheduler.clearTimeout(expiry);
          expiry = ctx.scheduler.setTimeout(changed, typingTtlMs + 10);
        }
        break;
      default:
        return;
    }
    changed();
  };
  const subscription = subscribeTopic({
    supabase: ctx.supabase,
    fetch: ctx.fetch,
    functionsUrl: ctx.functionsUrl,
    topic: `room:${roomId}`,
    mode: options.events ?? "auto",
    scheduler: ctx.scheduler,
    random: ctx.random,
    onEvent,
    onStatus: (now) => {
      const reconnected = now && !connected;
      connected = now;
      changed();
      if (reconnected) void loadAfter(newestId()).catch(() => {});
    },
    onResync: () => void loadAfter(newestId()).catch(() => {}),
  });

  return {
    roomId,
    getState: () => (state ??= computeState()),
    subscribe: (listener) => emitter.on("change", listener),
    async send(body, sendOptions = {}) {
      const clientMsgId = sendOptions.clientMsgId ?? ctx.uuid();
      const args = {
        p_room_id: roomId,
        p_body: body,
        p_client_msg_id: clientMsgId,
        ...(sendOptions.replyToId === undefined ? {} : { p_reply_to_id: sendOptions.replyToId }),
      };
      const attempts = Math.max(1, options.sendAttempts ?? 3);
      for (let attempt = 1;; attempt += 1) {
        const result = await ctx.supabase.rpc("send_message", args);
        // supabase-js reports a failed fetch as an error without a code: retry it, same id.
        const networkError = result.error !== null && !result.error.code;
        if (networkError && attempt < attempts) {
          await new Promise<void>((resolve) => ctx.scheduler.setTimeout(resolve, 250 * 2 ** attempt));
          continue;
        }
        const message = unwrap<ChatMessage>("Cannot send message", result);
        upsert(message);
        changed();
        return message;
      }
    },
    async typing() {
      const now = ctx.scheduler.now();
      if (now - lastTypingSent < (options.typingThrottleMs ?? 3000)) return;
      lastTypingSent = now;
      unwrap("Cannot send typing", await ctx.supabase.rpc("send_typing", { p_room_id: roomId }));
    },
    async markRead(upToMessageId) {
      const upTo = upToMessageId ?? newestId();
      if (upTo <= lastRead) return;
      const member = unwrap<{ last_read_message_id: number }>("Cannot mark room read", await ctx.supabase.rpc("mark_room_read", {
        p_room_id: roomId,
        p_up_to_message_id: upTo,
      }));
      lastRead = member.last_read_message_id;
      changed();
    },
    close() {
      if (expiry !== undefined) ctx.scheduler.clearTimeout(expiry);
      subscription.close();
    },
  };
}
