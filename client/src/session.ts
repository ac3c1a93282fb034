/**
 * An attempt session: the attempt's state as the server last said it, the
 * device's unacknowledged ops applied on top (optimistic), the persisted queue that
 * sends them in batches, the server's clock, live events and open conflicts.
 *
 * @module
 */

import type { SupabaseClient } from "@supabase/supabase-js";
import type { AttemptStatus, ErrorBody, JsonValue, Op, OpResult, SyncResponse } from "../../types/sync.ts";
import { MAX_OPS_PER_BATCH } from "../../types/sync.ts";
import { type AttemptSnapshot, type ConflictView, toAttemptSnapshot } from "./attempt-state.ts";
import { type BackoffOptions, backoffDelay } from "./backoff.ts";
import { createServerClock, type ServerClock } from "./clock.ts";
import { Emitter } from "./emitter.ts";
import { type EventsMode, subscribeTopic, type TopicEvent, type TopicSubscription } from "./events.ts";
import { type NewOp, OpQueue } from "./queue.ts";
import type { Locks } from "./locks.ts";
import type { Scheduler, TimerHandle } from "./scheduler.ts";
import type { QueueStore } from "./stores.ts";
import { type Fetch, opIndexOf, postSync } from "./transport.ts";

/** An error the session met: a refused op, a failed request, a closed attempt. */
export interface SyncError {
  /** Stable code: the server's (`attempt_paused`, `invalid_text`...) or `network`. */
  code: string;
  message: string;
  /** HTTP status; 0 when nothing answered. */
  status: number;
  /** The op it concerns, when it concerns one. */
  opId?: string;
  /** Device time it happened. */
  at: number;
}

/** A conflict as the session shows it. */
export type Conflict = ConflictView;

/** The observable state: what the source system's hook had, plus the attempt's own. */
export interface AttemptState {
  /** Live events are arriving (Realtime channel joined or SSE stream open). */
  connected: boolean;
  /** A batch is in flight. */
  syncing: boolean;
  /** Device time of the last acknowledged batch. */
  lastSyncedAt: Date | null;
  /** Ops made on this device the server has not acknowledged. */
  pendingChanges: number;
  /** Open conflicts, with both values. */
  conflicts: readonly Conflict[];
  /** The last error, cleared by the next acknowledged batch. */
  error: SyncError | null;
  status: AttemptStatus;
  paused: boolean;
  /** Answers by question id: the server's with this device's pending ones on top. */
  answers: Readonly<Record<string, JsonValue>>;
  /** Flagged question ids. */
  flags: readonly string[];
  currentQuestionId: string | null;
  /** Section status by section id (`in_progress`, `completed`). */
  sections: Readonly<Record<string, string | null>>;
}

/** Events of a session, for {@linkcode AttemptSession.on}. */
export interface AttemptSessionEvents extends Record<string, unknown> {
  /** Something failed; for `op_rejected`/`op_dropped` the op is gone from the queue. */
  error: SyncError;
  /** A new open conflict. */
  conflict: Conflict;
  /** Ops acknowledged by the server. */
  synced: { opIds: string[]; results: OpResult[] };
  paused: { deadlineAt: string | null };
  resumed: { deadlineAt: string | null };
  /** More time was given (`seconds`), moving the deadline. */
  extended: { seconds: number; deadlineAt: string };
  /** The attempt's status changed (submitted, expired...). */
  status: { status: AttemptStatus };
  /** Every live event of the attempt, as it arrived. */
  event: TopicEvent;
}

/** Options of a session. */
export interface AttemptSessionOptions {
  /** How often pending ops are sent (default 5,000 ms). */
  autoSaveIntervalMs?: number;
  /** Most ops in one request (default 200, the server's limit). */
  maxBatchOps?: number;
  /** Most JSON bytes in one request (default 200,000; the server takes 256 KiB). */
  maxBatchBytes?: number;
  /** Retry delays (full jitter between 0 and min(maxMs, baseMs × 2^n)). */
  backoff?: Omit<BackoffOptions, "random">;
  /** A request with no answer after this long is retried (default 15,000 ms). */
  requestTimeoutMs?: number;
  /** How live events arrive (default `auto`: Realtime, else SSE). */
  events?: EventsMode;
  /** Also follow the student's `user:` topic for a live session's pause and resume (default true). */
  watchUserTopic?: boolean;
  /** Flush on page hide and on the browser's `online` event (default: when there is a `window`). */
  pageLifecycle?: boolean;
}

/** What the client gives each session. */
export interface SessionContext {
  supabase: SupabaseClient<any, any, any>;
  fetch: Fetch;
  functionsUrl: string;
  store: QueueStore;
  /** Shared by the tabs: who holds which client id, and writes of the queue document. */
  locks: Locks;
  scheduler: Scheduler;
  random: () => number;
  uuid: () => string;
}

interface ServerAnswer {
  value: JsonValue;
  version: number;
}

type Resolution = "server" | "local" | { value: JsonValue };

const CLOSED: ReadonlySet<string> = new Set(["submitted", "expired", "abandoned"]);

/** One attempt, open on this device. Made by {@linkcode ExamClient.open}. */
export class AttemptSession {
  readonly attemptId: string;
  /** What `get_attempt_state` said last (exam, sections, questions...). */
  snapshot: AttemptSnapshot;
  /** The server's clock. */
  readonly clock: ServerClock;

  #ctx: SessionContext;
  #options: Required<Omit<AttemptSessionOptions, "backoff">> & { backoff: BackoffOptions };
  #queue: OpQueue;
  #emitter = new Emitter<AttemptSessionEvents>();
  #listeners = new Set<(state: AttemptState) => void>();
  #state: AttemptState | undefined;

  #answers = new Map<string, ServerAnswer>();
  #flags = new Set<string>();
  #sections = new Map<string, string | null>();
  #currentQuestionId: string | null = null;
  #status: AttemptStatus;
  #deadlineAt: number;
  #pausedRemainingMs: number | null = null;
  #conflicts = new Map<string, Conflict>();
  #lastEventId = 0;

  #connected = false;
  #syncing = false;
  #lastSyncedAt: Date | null = null;
  #error: SyncError | null = null;

  #running: Promise<void> | undefined;
  #again = false;
  #autoTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #failures = 0;
  #batchLimit: number;
  #stopped: string | undefined;
  #closed = false;
  #subscriptions: TopicSubscription[] = [];
  #unhook: (() => void) | undefined;

  private constructor(
    ctx: SessionContext,
    attemptId: string,
    snapshot: AttemptSnapshot,
    queue: OpQueue,
    options: AttemptSessionOptions,
  ) {
    this.#ctx = ctx;
    this.attemptId = attemptId;
    this.snapshot = snapshot;
    this.#queue = queue;
    this.clock = createServerClock(() => ctx.scheduler.now());
    this.#options = {
      autoSaveIntervalMs: options.autoSaveIntervalMs ?? 5000,
      maxBatchOps: Math.min(options.maxBatchOps ?? MAX_OPS_PER_BATCH, MAX_OPS_PER_BATCH),
      maxBatchBytes: options.maxBatchBytes ?? 200_000,
      backoff: { ...options.backoff, random: ctx.random },
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      events: options.events ?? "auto",
      watchUserTopic: options.watchUserTopic ?? true,
      pageLifecycle: options.pageLifecycle ??
        (typeof globalThis.addEventListener === "function" &&
          typeof (globalThis as { document?: unknown }).document !== "undefined"),
    };
    this.#batchLimit = this.#options.maxBatchOps;
    this.#status = snapshot.attempt.status;
    this.#deadlineAt = Date.parse(snapshot.attempt.deadlineAt);
  }

  /** Loads the attempt and its queue, subscribes, and sends what a previous run left. */
  static async open(
    ctx: SessionContext,
    attemptId: string,
    options: AttemptSessionOptions = {},
  ): Promise<AttemptSession> {
    const [snapshot, sample] = await loadState(ctx, attemptId);
    const queue = await OpQueue.open({
      store: ctx.store,
      key: `examsync:attempt:${attemptId}`,
      uuid: ctx.uuid,
      now: () => ctx.scheduler.now(),
      locks: ctx.locks,
    });
    const session = new AttemptSession(ctx, attemptId, snapshot, queue, options);
    session.clock.sample(sample);
    session.#adopt(snapshot);
    session.#subscribe();
    session.#hookPage();
    if (queue.length > 0) session.#kick();
    return session;
  }

  /** This tab's client id (`clientId` of its batches), taken back by the next page after a reload. */
  get clientId(): string {
    return this.#queue.clientId;
  }

  // --- the student's actions: applied at once, queued, persisted ------------------------

  /** Sets an answer. Resolves with the op's id once it is stored on the device (not when sent). */
  answer(questionId: string, value: JsonValue): Promise<string> {
    return this.#push({ type: "answer", question_id: questionId, value, base_version: this.#versionOf(questionId) });
  }

  /** Clears an answer. */
  clearAnswer(questionId: string): Promise<string> {
    return this.#push({ type: "clear_answer", question_id: questionId, base_version: this.#versionOf(questionId) });
  }

  /** Flags a question for review. */
  flag(questionId: string): Promise<string> {
    return this.#push({ type: "flag", question_id: questionId });
  }

  /** Removes a question's flag. */
  unflag(questionId: string): Promise<string> {
    return this.#push({ type: "unflag", question_id: questionId });
  }

  /** Moves to a question (the attempt's current question). */
  goTo(questionId: string): Promise<string> {
    return this.#push({ type: "position", question_id: questionId });
  }

  /** Enters a section (or completes it with `status: "completed"`). */
  enterSection(
    sectionId: string,
    options: { status?: "in_progress" | "completed"; timeUsedMs?: number } = {},
  ): Promise<string> {
    return this.#push({
      type: "section",
      section_id: sectionId,
      status: options.status ?? "in_progress",
      ...(options.timeUsedMs === undefined ? {} : { time_used_ms: options.timeUsedMs }),
    });
  }

  /** Queues any op of `types/sync.ts` (a timer report, an activity...). */
  queueOp(op: NewOp): Promise<string> {
    return this.#push(op);
  }

  // --- syncing ---------------------------------------------------------------------------

  /**
   * Sends pending ops now (skipping the autosave wait and any backoff) and resolves
   * after that send and those it chains (a full queue drains batch after batch).
   */
  async flush(options: { keepalive?: boolean } = {}): Promise<{ pending: number }> {
    this.#clearTimers();
    if (this.#stopped === "attempt_paused") this.#stopped = undefined;
    await this.#kick(options.keepalive === true);
    return { pending: this.#queue.length };
  }

  /** Resolves when nothing is pending (every op acknowledged or dropped). */
  whenSynced(): Promise<void> {
    if (this.#queue.length === 0 && !this.#syncing) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = this.subscribe((state) => {
        if (state.pendingChanges === 0 && !state.syncing) {
          stop();
          resolve();
        }
      });
    });
  }

  /**
   * Settles an open conflict: keep the server's value, store this device's, or
   * store `{ value }`. Needs the network (it is not queued).
   */
  async resolveConflict(conflictId: string, resolution: Resolution): Promise<void> {
    const item = typeof resolution === "string"
      ? { conflict_id: conflictId, resolution }
      : { conflict_id: conflictId, resolution: "custom", value: resolution.value };
    const { error } = await this.#ctx.supabase.rpc("batch_resolve_attempt_conflicts", { p_resolutions: [item] });
    if (error) throw Object.assign(new Error(error.message), { code: error.code, hint: error.hint });
    const conflict = this.#conflicts.get(conflictId);
    this.#conflicts.delete(conflictId);
    if (conflict !== undefined && resolution !== "server") {
      // The new version comes with the conflict_resolved event or the next refresh.
      const value = resolution === "local" ? conflict.localValue : resolution.value;
      this.#setAnswer(conflict.questionId, value, this.#versionOf(conflict.questionId) + 1);
    }
    this.#changed();
  }

  /** Reloads the attempt from the server (what a resume does). */
  async refresh(): Promise<void> {
    const [snapshot, sample] = await loadState(this.#ctx, this.attemptId);
    this.clock.sample(sample);
    this.snapshot = snapshot;
    this.#adopt(snapshot);
  }

  // --- time ------------------------------------------------------------------------------

  /** The server's time now (ms since the epoch). */
  serverNow(): number {
    return this.clock.now();
  }

  /** Milliseconds left by the server's deadline and clock; frozen while paused, 0 once closed. */
  remainingMs(): number {
    if (CLOSED.has(this.#status)) return 0;
    if (this.#pausedRemainingMs !== null) return this.#pausedRemainingMs;
    return Math.max(0, this.#deadlineAt - this.clock.now());
  }

  // --- observing -------------------------------------------------------------------------

  /** The current state (the same object until something changes). */
  getState = (): AttemptState => (this.#state ??= this.#computeState());

  /** Calls `listener` with the new state after each change; returns a function that stops it. */
  subscribe = (listener: (state: AttemptState) => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Listens to an event. */
  on<K extends keyof AttemptSessionEvents>(event: K, listener: (payload: AttemptSessionEvents[K]) => void): () => void {
    return this.#emitter.on(event, listener);
  }

  /** Stops timers and subscriptions; what is pending stays in the store for the next open. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimers();
    for (const subscription of this.#subscriptions) subscription.close();
    this.#subscriptions = [];
    this.#unhook?.();
    await this.#running;
    await this.#queue.settled().catch(() => {});
    await this.#queue.close();
  }

  // --- internals -------------------------------------------------------------------------

  #versionOf(questionId: string): number {
    return this.#answers.get(questionId)?.version ?? 0;
  }

  #push(newOp: NewOp): Promise<string> {
    if (this.#closed) return Promise.reject(new Error("Cannot queue op: the session is closed"));
    const { op, stored } = this.#queue.push(newOp);
    this.#changed();
    this.#armAutoSave();
    return stored.then(() => op.op_id);
  }

  /** Sends what is pending after the autosave interval, unless a send or a retry is already due. */
  #armAutoSave() {
    if (this.#closed || this.#queue.length === 0) return;
    if (this.#autoTimer !== undefined || this.#retryTimer !== undefined || this.#running !== undefined) return;
    this.#autoTimer = this.#ctx.scheduler.setTimeout(() => {
      this.#autoTimer = undefined;
      void this.#kick();
    }, this.#options.autoSaveIntervalMs);
  }

  #clearTimers() {
    if (this.#autoTimer !== undefined) this.#ctx.scheduler.clearTimeout(this.#autoTimer);
    if (this.#retryTimer !== undefined) this.#ctx.scheduler.clearTimeout(this.#retryTimer);
    this.#autoTimer = this.#retryTimer = undefined;
  }

  /** Runs the send loop, or asks the running one to go again; resolves when it is done. */
  #kick(keepalive = false): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    const run = this.#loop(keepalive).finally(() => {
      this.#running = undefined;
      // An op queued while the loop was finishing waits for the next autosave.
      this.#armAutoSave();
    });
    this.#running = run;
    return run;
  }

  async #loop(keepalive: boolean): Promise<void> {
    for (;;) {
      this.#again = false;
      if (this.#closed || this.#stopped !== undefined || this.#queue.length === 0) return;
      const next = await this.#sendOnce(keepalive);
      if (next === "retry") {
        if (this.#again) continue;
        return;
      }
      if (next === "stop") return;
    }
  }

  /** One request. `continue`: send again now; `retry`: a retry is scheduled; `stop`: nothing more to do. */
  async #sendOnce(keepalive: boolean): Promise<"continue" | "retry" | "stop"> {
    const { clientId, ops: batch } = this.#queue.peek(this.#batchLimit, this.#options.maxBatchBytes);
    if (batch.length === 0) return "stop";
    this.#syncing = true;
    this.#changed();
    // Ops adopted from a closed tab go under the client id they were made with.
    const outcome = await postSync({ attemptId: this.attemptId, clientId, ops: batch }, {
      fetch: this.#ctx.fetch,
      url: `${this.#ctx.functionsUrl}/attempt-sync`,
      now: () => this.#ctx.scheduler.now(),
      timeoutMs: this.#options.requestTimeoutMs,
      setTimeout: (callback, ms) => this.#ctx.scheduler.setTimeout(callback, ms),
      clearTimeout: (handle) => this.#ctx.scheduler.clearTimeout(handle),
      keepalive,
    });
    this.#syncing = false;
    try {
      if (outcome.kind === "ok") {
        await this.#acknowledge(batch, outcome.body);
        this.clock.sample({
          sentAt: outcome.sentAt,
          receivedAt: outcome.receivedAt,
          serverTime: Date.parse(outcome.body.serverNow),
        });
        this.#failures = 0;
        this.#batchLimit = this.#options.maxBatchOps;
        this.#lastSyncedAt = new Date(this.#ctx.scheduler.now());
        this.#error = null;
        return "continue";
      }
      if (outcome.kind === "network") {
        this.#fail({ code: "network", message: outcome.message, status: 0 });
        return this.#scheduleRetry();
      }
      return await this.#onHttpError(batch, outcome.status, outcome.error, outcome.retryAfterMs);
    } finally {
      this.#changed();
    }
  }

  async #onHttpError(batch: Op[], status: number, error: ErrorBody, retryAfterMs?: number) {
    const base = { code: error.code, message: error.message, status };
    if (status === 409 && error.code === "attempt_paused") {
      this.#setPaused(true);
      this.#fail(base);
      return this.#scheduleRetry(retryAfterMs);
    }
    if (status === 409 && (error.code === "attempt_expired" || error.code === "attempt_closed")) {
      // The server will never take these ops; they stay in the store for the record.
      this.#stopped = error.code;
      this.#fail(base);
      void this.refresh().catch(() => {});
      return "stop" as const;
    }
    if (status === 404 || status === 403) {
      this.#stopped = error.code;
      this.#fail(base);
      return "stop" as const;
    }
    if (status === 401 || status === 408 || status === 425 || status === 429 || status >= 500 || status < 400) {
      this.#fail(base);
      return this.#scheduleRetry(retryAfterMs);
    }
    // Another 4xx: the request itself is wrong. Drop exactly the op it names; when it
    // names none, halve the batch until the one op that fails alone is found.
    const index = opIndexOf(error, batch);
    if (index !== undefined || batch.length === 1) {
      const op = batch[index ?? 0]!;
      await this.#queue.remove([op.op_id]);
      this.#fail({ ...base, opId: op.op_id });
      return "continue" as const;
    }
    this.#batchLimit = Math.max(1, Math.ceil(batch.length / 2));
    return "continue" as const;
  }

  #scheduleRetry(retryAfterMs?: number): "retry" {
    const delay = backoffDelay(this.#failures, this.#options.backoff, retryAfterMs);
    this.#failures += 1;
    this.#clearTimers();
    this.#retryTimer = this.#ctx.scheduler.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#kick();
    }, delay);
    return "retry";
  }

  #fail(error: Omit<SyncError, "at">) {
    this.#error = { ...error, at: this.#ctx.scheduler.now() };
    this.#emitter.emit("error", this.#error);
  }

  async #acknowledge(batch: Op[], body: SyncResponse) {
    // Acknowledged ops leave the queue first: whatever happens next, none is sent again.
    await this.#queue.remove(batch.map((op) => op.op_id));
    batch.forEach((op, index) => this.#applyResult(op, body.results[index]));
    this.#deadlineAt = Date.parse(body.deadlineAt);
    if (this.#pausedRemainingMs !== null) this.#setPaused(false);
    this.#setStatus(body.status);
    this.#emitter.emit("synced", { opIds: batch.map((op) => op.op_id), results: body.results });
  }

  #applyResult(op: Op, result: OpResult | undefined) {
    if (result === undefined) return;
    const status = result.status === "duplicate" ? result.first_status ?? "applied" : result.status;
    if (status === "rejected") {
      this.#fail({ code: result.code ?? "op_rejected", message: `The server refused op ${op.op_id}`, status: 200, opId: op.op_id });
      return;
    }
    switch (op.type) {
      case "answer":
      case "clear_answer": {
        const local = op.type === "answer" ? op.value : null;
        if (status === "conflict" && result.resolution === "server") {
          this.#setAnswer(op.question_id, result.server_value ?? null, result.server_version ?? result.version ?? 0);
          if (typeof result.conflict_id === "string" && result.status !== "duplicate") {
            const conflict: Conflict = {
              id: result.conflict_id,
              questionId: op.question_id,
              localValue: local,
              baseVersion: op.base_version,
              serverValue: result.server_value ?? null,
              serverVersion: result.server_version ?? 0,
            };
            this.#conflicts.set(conflict.id, conflict);
            this.#emitter.emit("conflict", conflict);
          }
        } else if (typeof result.version === "number") {
          if (result.superseded) this.#bumpVersion(op.question_id, result.version);
          else this.#setAnswer(op.question_id, local, result.version);
        }
        break;
      }
      case "flag":
      case "unflag":
        if ((result.flagged ?? op.type === "flag")) this.#flags.add(op.question_id);
        else this.#flags.delete(op.question_id);
        break;
      case "position":
        this.#currentQuestionId = op.question_id;
        break;
      case "section":
        this.#sections.set(op.section_id, op.status);
        break;
    }
  }

  #setAnswer(questionId: string, value: JsonValue, version: number) {
    const known = this.#answers.get(questionId);
    if (known !== undefined && known.version > version) return;
    this.#answers.set(questionId, { value, version });
  }

  #bumpVersion(questionId: string, version: number) {
    const known = this.#answers.get(questionId);
    if (known === undefined) this.#answers.set(questionId, { value: null, version });
    else if (known.version < version) known.version = version;
  }

  #setStatus(status: AttemptStatus) {
    if (status === this.#status) return;
    this.#status = status;
    this.#emitter.emit("status", { status });
  }

  #setPaused(paused: boolean) {
    if (paused === (this.#pausedRemainingMs !== null)) return;
    if (paused) {
      this.#pausedRemainingMs = Math.max(0, this.#deadlineAt - this.clock.now());
      this.#emitter.emit("paused", { deadlineAt: new Date(this.#deadlineAt).toISOString() });
    } else {
      this.#pausedRemainingMs = null;
      this.#emitter.emit("resumed", { deadlineAt: new Date(this.#deadlineAt).toISOString() });
    }
  }

  /** Takes the server's state as it is now. */
  #adopt(snapshot: AttemptSnapshot) {
    this.#answers = new Map(snapshot.answers.map((a) => [a.questionId, { value: a.value, version: a.version }]));
    this.#flags = new Set(snapshot.flags);
    this.#sections = new Map(snapshot.sections.map((s) => [s.id, s.status]));
    this.#currentQuestionId = snapshot.attempt.currentQuestionId;
    this.#conflicts = new Map(snapshot.conflicts.map((c) => [c.id, c]));
    this.#deadlineAt = Date.parse(snapshot.attempt.deadlineAt);
    this.#lastEventId = Math.max(this.#lastEventId, snapshot.lastEventId ?? 0);
    const paused = snapshot.attempt.pausedAt !== null && !CLOSED.has(snapshot.attempt.status);
    if (paused) {
      const wasPaused = this.#pausedRemainingMs !== null;
      this.#pausedRemainingMs = snapshot.remainingMs;
      if (!wasPaused) this.#emitter.emit("paused", { deadlineAt: snapshot.attempt.deadlineAt });
    } else this.#setPaused(false);
    this.#setStatus(snapshot.attempt.status);
    this.#changed();
  }

  #subscribe() {
    const mode = this.#options.events;
    if (mode === "none") return;
    const common = {
      supabase: this.#ctx.supabase,
      fetch: this.#ctx.fetch,
      functionsUrl: this.#ctx.functionsUrl,
      mode,
      scheduler: this.#ctx.scheduler,
      random: this.#ctx.random,
    };
    this.#subscriptions.push(subscribeTopic({
      ...common,
      topic: `attempt:${this.attemptId}`,
      ...(this.#lastEventId > 0 ? { lastEventId: this.#lastEventId } : {}),
      onEvent: (event) => this.#onEvent(event),
      onStatus: (connected) => {
        const reconnected = connected && !this.#connected;
        this.#connected = connected;
        this.#changed();
        // Back online: send what waited, now.
        if (reconnected && this.#queue.length > 0) void this.flush();
      },
      onResync: () => void this.refresh().catch(() => {}),
    }));
    if (this.#options.watchUserTopic && this.snapshot.attempt.userId !== "") {
      this.#subscriptions.push(subscribeTopic({
        ...common,
        topic: `user:${this.snapshot.attempt.userId}`,
        onEvent: (event) => this.#onUserEvent(event),
        onStatus: () => {},
      }));
    }
  }

  #onEvent(event: TopicEvent) {
    if (event.id !== undefined) {
      if (event.id <= this.#lastEventId) return;
      this.#lastEventId = event.id;
    }
    const payload = event.payload;
    switch (event.event) {
      case "ops_applied": {
        for (const answer of (payload.answers as { question_id: string; version: number; value: JsonValue }[]) ?? []) {
          this.#setAnswer(answer.question_id, answer.value, answer.version);
        }
        if (Array.isArray(payload.flags)) this.#flags = new Set(payload.flags as string[]);
        if (payload.current_question_id !== undefined) {
          this.#currentQuestionId = payload.current_question_id as string | null;
        }
        break;
      }
      case "conflict_resolved": {
        this.#conflicts.delete(String(payload.conflict_id));
        const answer = payload.answer as { value: JsonValue; version: number } | null | undefined;
        if (answer) this.#setAnswer(String(payload.question_id), answer.value, answer.version);
        break;
      }
      case "time_extended": {
        const deadlineAt = String(payload.deadline_at);
        const seconds = Number(payload.seconds ?? 0);
        if (this.#pausedRemainingMs !== null) this.#pausedRemainingMs += seconds * 1000;
        this.#deadlineAt = Date.parse(deadlineAt);
        this.#emitter.emit("extended", { seconds, deadlineAt });
        break;
      }
      default:
        if (event.event.startsWith("attempt_") && typeof payload.status === "string") {
          this.#setStatus(payload.status as AttemptStatus);
        }
    }
    this.#emitter.emit("event", event);
    this.#changed();
  }

  #onUserEvent(event: TopicEvent) {
    if (event.event !== "session_status") return;
    const status = event.payload.status;
    if (status !== "paused" && status !== "active" && status !== "ended") return;
    // The server's state says exactly how this attempt stands (frozen time, deadline).
    void this.refresh().then(() => {
      if (status === "active" && this.#queue.length > 0) void this.flush();
    }).catch(() => {});
  }

  #hookPage() {
    if (!this.#options.pageLifecycle) return;
    const target = globalThis as unknown as {
      addEventListener(type: string, listener: () => void): void;
      removeEventListener(type: string, listener: () => void): void;
      document?: { visibilityState?: string; addEventListener?: (type: string, listener: () => void) => void };
    };
    const onHide = () => {
      if (this.#queue.length > 0) void this.flush({ keepalive: true });
    };
    const onVisibility = () => {
      if (target.document?.visibilityState === "hidden") onHide();
    };
    const onOnline = () => {
      for (const subscription of this.#subscriptions) subscription.reconnect();
      if (this.#queue.length > 0) void this.flush();
    };
    target.addEventListener("pagehide", onHide);
    target.addEventListener("visibilitychange", onVisibility);
    target.addEventListener("online", onOnline);
    this.#unhook = () => {
      target.removeEventListener("pagehide", onHide);
      target.removeEventListener("visibilitychange", onVisibility);
      target.removeEventListener("online", onOnline);
    };
  }

  #changed() {
    this.#state = undefined;
    if (this.#listeners.size === 0) return;
    const state = this.getState();
    for (const listener of [...this.#listeners]) {
      try {
        listener(state);
      } catch (error) {
        console.error("examsync: a state listener threw", error);
      }
    }
  }

  #computeState(): AttemptState {
    const answers: Record<string, JsonValue> = {};
    for (const [questionId, answer] of this.#answers) answers[questionId] = answer.value;
    const flags = new Set(this.#flags);
    const sections: Record<string, string | null> = Object.fromEntries(this.#sections);
    let currentQuestionId = this.#currentQuestionId;
    // This device's pending ops, in order, over the server's state.
    for (const { op } of this.#queue.ops) {
      switch (op.type) {
        case "answer":
          answers[op.question_id] = op.value;
          break;
        case "clear_answer":
          answers[op.question_id] = null;
          break;
        case "flag":
          flags.add(op.question_id);
          break;
        case "unflag":
          flags.delete(op.question_id);
          break;
        case "position":
          currentQuestionId = op.question_id;
          break;
        case "section":
          sections[op.section_id] = op.status;
          break;
      }
    }
    return {
      connected: this.#connected,
      syncing: this.#syncing,
      lastSyncedAt: this.#lastSyncedAt,
      pendingChanges: this.#queue.length,
      conflicts: [...this.#conflicts.values()],
      error: this.#error,
      status: this.#status,
      paused: this.#pausedRemainingMs !== null,
      answers,
      flags: [...flags],
      currentQuestionId,
      sections,
    };
  }
}

async function loadState(ctx: SessionContext, attemptId: string) {
  const sentAt = ctx.scheduler.now();
  const { data, error } = await ctx.supabase.rpc("get_attempt_state", { p_attempt_id: attemptId });
  const receivedAt = ctx.scheduler.now();
  if (error) {
    throw Object.assign(new Error(`Cannot open attempt ${attemptId}: ${error.message}`), {
      code: error.code,
      hint: error.hint,
    });
  }
  const snapshot = toAttemptSnapshot(data);
  return [snapshot, { sentAt, receivedAt, serverTime: snapshot.serverNow }] as const;
}
