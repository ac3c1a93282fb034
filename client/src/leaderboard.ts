/**
 * A live leaderboard: one page of `get_leaderboard` and the caller's own rank
 * (`get_my_rank`), loaded again whenever the academy's `leaderboard:` topic says
 * points moved (`leaderboard_updated`).
 *
 * @module
 */

import type { Database } from "../../types/database.types.ts";
import type { EventsMode } from "./events.ts";
import { type LiveQuery, liveQuery, unwrap } from "./live-query.ts";
import type { SessionContext } from "./session.ts";

type Functions = Database["public"]["Functions"];
/** A row of the board. */
export type LeaderboardEntry = Functions["get_leaderboard"]["Returns"][number];
/** The caller's own place. */
export type LeaderboardRank = Functions["get_my_rank"]["Returns"];
/** `week`, `month` or `all_time`. */
export type LeaderboardPeriod = Database["public"]["Enums"]["leaderboard_period"];

/** Options of {@linkcode openLeaderboard}. */
export interface LeaderboardOptions {
  academyId: string;
  period?: LeaderboardPeriod;
  specialty?: string;
  /** Rows of the page (default 10). */
  limit?: number;
  events?: EventsMode | undefined;
}

/** What the board shows. */
export interface LeaderboardData {
  entries: LeaderboardEntry[];
  me: LeaderboardRank;
}

/**
 * Opens a live leaderboard.
 *
 * @example
 * ```ts
 * const board = await exam.leaderboards.open({ academyId, period: "week" });
 * board.subscribe(({ data }) => render(data?.entries ?? []));
 * ```
 */
export async function openLeaderboard(ctx: SessionContext, options: LeaderboardOptions): Promise<LiveQuery<LeaderboardData>> {
  const filter = {
    p_academy_id: options.academyId,
    ...(options.period === undefined ? {} : { p_period: options.period }),
    ...(options.specialty === undefined ? {} : { p_specialty: options.specialty }),
  };
  return liveQuery(ctx, {
    topics: [`leaderboard:${options.academyId}`],
    relevant: (event) => event.event === "leaderboard_updated",
    events: options.events,
    load: async () => {
      const [entries, me] = await Promise.all([
        ctx.supabase.rpc("get_leaderboard", { ...filter, p_limit: options.limit ?? 10 }),
        ctx.supabase.rpc("get_my_rank", filter),
      ]);
      return { entries: unwrap<LeaderboardEntry[]>("Cannot load the leaderboard", entries), me: unwrap<LeaderboardRank>("Cannot load my rank", me) };
    },
  });
}
