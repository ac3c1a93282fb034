/**
 * examsync's client SDK: exam attempts that never lose an answer (a persisted
 * offline queue sent in batches with backoff, replayed exactly once), the server's
 * clock, conflicts with both values, live events, live sessions.
 *
 * @example
 * ```ts
 * const exam = createExamClient({ supabase });
 * const attempt = await exam.open(attemptId);
 * attempt.subscribe((state) => render(state));
 * await attempt.answer(questionId, "b");
 * ```
 *
 * @module
 */

export { createExamClient, type ExamClient, type ExamClientOptions } from "./client.ts";
export {
  AttemptSession,
  type AttemptSessionEvents,
  type AttemptSessionOptions,
  type AttemptState,
  type Conflict,
  type SessionContext,
  type SyncError,
} from "./session.ts";
export {
  type AnswerView,
  type AttemptSnapshot,
  type AttemptStateResult,
  type ConflictView,
  type QuestionView,
  type SectionView,
  toAttemptSnapshot,
} from "./attempt-state.ts";
export {
  defaultStore,
  fileStore,
  indexedDbStore,
  memoryStore,
  type PersistedQueue,
  type PersistedQueueV1,
  type QueuedOp,
  type StoredQueue,
  type QueueStore,
} from "./stores.ts";
export { type Batch, type NewOp, OpQueue, upgrade } from "./queue.ts";
export { defaultLocks, type Locks, memoryLocks, webLocks } from "./locks.ts";
export { backoffDelay, type BackoffOptions, parseRetryAfter } from "./backoff.ts";
export { type ClockSample, createServerClock, type ServerClock } from "./clock.ts";
export { type EventsMode, subscribeTopic, type TopicEvent, type TopicSubscription } from "./events.ts";
export { joinSession, type JoinedSession, type JoinSessionOptions, type SessionParticipant } from "./live-session.ts";
export { type ChatMessage, type ChatRoom, type ChatRoomOptions, type ChatRoomState, openChatRoom } from "./chat.ts";
export {
  type Notification,
  type NotificationFeed,
  type NotificationFeedData,
  type NotificationFeedOptions,
  openNotificationFeed,
  type UnreadCounts,
} from "./notifications.ts";
export {
  type LeaderboardData,
  type LeaderboardEntry,
  type LeaderboardOptions,
  type LeaderboardPeriod,
  type LeaderboardRank,
  openLeaderboard,
} from "./leaderboard.ts";
export { type LiveQuery, liveQuery, type LiveQueryOptions, type LiveState } from "./live-query.ts";
export { type Scheduler, systemScheduler } from "./scheduler.ts";
export { type Fetch, opIndexOf, postSync, type SyncOutcome } from "./transport.ts";
export type { JsonValue, Op, OpResult, SyncResponse } from "../../types/sync.ts";
