/**
 * The notification feed: the newest notifications and the unread counts by
 * priority, kept fresh by the user's `user:` topic (`notification_created`,
 * `notification_updated`, `notifications_read`), with mark-read helpers.
 *
 * @module
 */

import type { Database } from "../../types/database.types.ts";
import type { EventsMode } from "./events.ts";
import { currentUserId, type LiveQuery, liveQuery, unwrap } from "./live-query.ts";
import type { SessionContext } from "./session.ts";

type Functions = Database["public"]["Functions"];
/** A notification row as `get_notifications` returns it. */
export type Notification = Functions["get_notifications"]["Returns"][number];
/** Unread counts: total and by priority. */
export type UnreadCounts = Functions["get_unread_counts"]["Returns"];

/** What the feed shows. */
export interface NotificationFeedData {
  items: Notification[];
  unread: UnreadCounts;
}

/** Options of {@linkcode openNotificationFeed}. */
export interface NotificationFeedOptions {
  /** How many of the newest to show (default 20). */
  limit?: number;
  unreadOnly?: boolean;
  /** The signed-in user (default read from the supabase client's session). */
  userId?: string;
  events?: EventsMode | undefined;
}

/** A live notification feed. */
export interface NotificationFeed extends LiveQuery<NotificationFeedData> {
  /** Marks these notifications read. */
  markRead(ids: string[]): Promise<void>;
  /** Marks every notification read. */
  markAllRead(): Promise<void>;
}

const EVENTS = new Set(["notification_created", "notification_updated", "notifications_read"]);

/**
 * Opens the signed-in user's notification feed.
 *
 * @example
 * ```ts
 * const feed = await exam.notifications.open({ limit: 10 });
 * feed.subscribe(({ data }) => badge(data?.unread.total ?? 0));
 * ```
 */
export async function openNotificationFeed(ctx: SessionContext, options: NotificationFeedOptions = {}): Promise<NotificationFeed> {
  const userId = options.userId ?? await currentUserId(ctx);
  const load = async (): Promise<NotificationFeedData> => {
    const [items, unread] = await Promise.all([
      ctx.supabase.rpc("get_notifications", { p_limit: options.limit ?? 20, p_unread_only: options.unreadOnly ?? false }),
      ctx.supabase.rpc("get_unread_counts"),
    ]);
    return { items: unwrap<Notification[]>("Cannot load notifications", items), unread: unwrap<UnreadCounts>("Cannot load unread counts", unread) };
  };
  const query = await liveQuery(ctx, {
    topics: [`user:${userId}`],
    load,
    relevant: (event) => EVENTS.has(event.event),
    events: options.events,
  });
  return {
    ...query,
    async markRead(ids) {
      unwrap("Cannot mark notifications read", await ctx.supabase.rpc("mark_notifications_read", { p_ids: ids }));
      await query.refetch();
    },
    async markAllRead() {
      unwrap("Cannot mark notifications read", await ctx.supabase.rpc("mark_all_notifications_read"));
      await query.refetch();
    },
  };
}
