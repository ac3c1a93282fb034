// A fake clock, a fake attempt-sync server and a fake network with fault injection,
// for the SDK's unit tests. The server follows the real one's rules that the SDK
// depends on: an op id seen before answers `duplicate` and changes nothing; a stale
// base_version of another client is a conflict (strategy `server`: an open conflict);
// an answer Postgres cannot store refuses the whole batch with 400 naming the op.
import { type Locks, memoryLocks } from '../src/locks.ts';
import type { Scheduler } from '../src/scheduler.ts';
import type { Fetch } from '../src/transport.ts';
import type { Op, OpResult } from '../../types/sync.ts';

/** A seeded PRNG (mulberry32): the same seed, the same numbers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uuid-shaped id from a PRNG. */
export function uuidFrom(random: () => number): () => string {
  return () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
}

/** Lets every pending promise callback run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface Timer { at: number; seq: number; callback: () => void; owner: number }

/** A fake clock: time moves only with advance(). */
export class FakeClock {
  now = 1_700_000_000_000;
  #timers = new Map<number, Timer>();
  #seq = 0;

  /** A scheduler on this clock; kill(owner) drops its timers (a crashed page). */
  scheduler(owner = 0): Scheduler {
    return {
      now: () => this.now,
      setTimeout: (callback, ms) => {
        const id = ++this.#seq;
        if (this.#dead.has(owner)) return id; // a crashed page runs nothing more
        this.#timers.set(id, { at: this.now + Math.max(0, ms), seq: id, callback, owner });
        return id;
      },
      clearTimeout: (handle) => {
        this.#timers.delete(handle as number);
      },
    };
  }

  #dead = new Set<number>();

  kill(owner: number): void {
    this.#dead.add(owner);
    for (const [id, timer] of this.#timers) if (timer.owner === owner) this.#timers.delete(id);
  }

  /** Pending timer delays from now, soonest first. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  /** Moves time forward by ms, running each timer due on the way (and what it starts). */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await settle();
    for (;;) {
      const due = [...this.#timers.values()].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#timers.delete(due.seq);
      this.now = Math.max(this.now, due.at);
      due.callback();
      await settle();
    }
    this.now = target;
    await settle();
  }
}

interface StoredAnswer { value: unknown; version: number; clientId: string | null; seq: number | null }

/** The attempt-sync server's state and rules. */
export class FakeServer {
  attemptId = '0b7c6a8e-3f52-4d7e-9a4b-2d1f0c9e8a71';
  userId = '11111111-1111-4111-a111-111111111111';
  deadlineAt: number;
  answers = new Map<string, StoredAnswer>();
  flags = new Set<string>();
  current: string | null = null;
  seen = new Map<string, OpResult>();
  /** How many times each op changed state (must be 1). */
  applied = new Map<string, number>();
  conflicts = new Map<string, { id: string; questionId: string; local: unknown; server: unknown; version: number }>();
  /** The server's clock minus the device's. */
  skewMs = 0;
  #conflictSeq = 0;

  constructor(readonly clock: FakeClock, readonly questionIds: string[]) {
    this.deadlineAt = clock.now + 3_600_000;
  }

  serverNow(): number {
    return this.clock.now + this.skewMs;
  }

  /** Answers an attempt-sync body: [status, body]. */
  sync(body: { attemptId: string; clientId: string; ops: Op[] }): [number, unknown] {
    const bad = body.ops.findIndex((op) => op.type === 'answer' && JSON.stringify(op.value).includes('\\u0000'));
    if (bad >= 0) {
      return [400, { code: 'invalid_text', message: `Cannot apply op ${bad + 1}`,
        details: { op_index: bad + 1, op_id: body.ops[bad]!.op_id, code: 'invalid_text', path: `ops[${bad}].value` } }];
    }
    const results = body.ops.map((op) => {
      const first = this.seen.get(op.op_id);
      if (first) return { ...first, status: 'duplicate', first_status: first.status } as OpResult;
      const result = this.#apply(op, body.clientId);
      this.seen.set(op.op_id, result);
      return result;
    });
    return [200, { results, status: 'in_progress', serverNow: new Date(this.serverNow()).toISOString(),
      deadlineAt: new Date(this.deadlineAt + this.skewMs).toISOString(), remainingMs: Math.max(0, this.deadlineAt - this.clock.now) }];
  }

  #count(op: Op) {
    this.applied.set(op.op_id, (this.applied.get(op.op_id) ?? 0) + 1);
  }

  #apply(op: Op, clientId: string): OpResult {
    this.#count(op);
    if (op.type === 'answer' || op.type === 'clear_answer') {
      const value = op.type === 'answer' ? op.value : null;
      const current = this.answers.get(op.question_id);
      const version = current?.version ?? 0;
      if (current && op.seq !== undefined && current.clientId === clientId && (current.seq ?? -1) >= op.seq) {
        return { op_id: op.op_id, status: 'applied', question_id: op.question_id, superseded: true, version };
      }
      if (op.base_version >= version || current?.clientId === clientId) {
        this.answers.set(op.question_id, { value, version: version + 1, clientId, seq: op.seq ?? null });
        return { op_id: op.op_id, status: 'applied', question_id: op.question_id, version: version + 1 };
      }
      const id = `c0000000-0000-4000-a000-${String(++this.#conflictSeq).padStart(12, '0')}`;
      this.conflicts.set(id, { id, questionId: op.question_id, local: value, server: current!.value, version });
      return { op_id: op.op_id, status: 'conflict', question_id: op.question_id, resolution: 'server',
        server_value: current!.value as never, server_version: version, version, conflict_id: id };
    }
    if (op.type === 'flag' || op.type === 'unflag') {
      if (op.type === 'flag') this.flags.add(op.question_id);
      else this.flags.delete(op.question_id);
      return { op_id: op.op_id, status: 'applied', question_id: op.question_id, flagged: op.type === 'flag' };
    }
    if (op.type === 'position') this.current = op.question_id;
    return { op_id: op.op_id, status: 'applied' };
  }

  /** What get_attempt_state returns. */
  state(): unknown {
    return {
      attempt: { id: this.attemptId, exam_id: 'e', user_id: this.userId, status: 'in_progress', conflict_strategy: 'server',
        started_at: new Date(this.clock.now).toISOString(), deadline_at: new Date(this.deadlineAt + this.skewMs).toISOString(),
        paused_at: null, finished_at: null, current_question_id: this.current, score: null, max_score: null },
      exam: { id: 'e', title: 'Exam', navigation: 'free', duration_seconds: 3600 },
      sections: [],
      questions: this.questionIds.map((id, position) => ({ id, section_id: null, position, type: 'single_choice', prompt: `Q${position}`, options: [], points: 1 })),
      answers: [...this.answers].map(([question_id, a]) => ({ question_id, value: a.value, version: a.version })),
      flags: [...this.flags],
      open_conflicts: [...this.conflicts.values()].map((c) => ({ id: c.id, question_id: c.questionId, local_value: c.local,
        base_version: 0, server_value: c.server, server_version: c.version })),
      server_now: new Date(this.serverNow()).toISOString(),
      remaining_ms: Math.max(0, this.deadlineAt - this.clock.now),
      last_event_id: 0,
    };
  }

  /** A supabase-js stand-in answering the RPCs the SDK calls. */
  supabase(): never {
    return {
      rpc: async (name: string, args: Record<string, unknown>) => {
        if (name === 'get_attempt_state') return { data: this.state(), error: null };
        if (name === 'batch_resolve_attempt_conflicts') {
          for (const item of args.p_resolutions as { conflict_id: string; resolution: string; value?: unknown }[]) {
            const conflict = this.conflicts.get(item.conflict_id);
            if (!conflict) return { data: null, error: { message: 'no open conflict', code: 'conflict_not_found' } };
            this.conflicts.delete(item.conflict_id);
            if (item.resolution !== 'server') {
              const value = item.resolution === 'local' ? conflict.local : item.value;
              const current = this.answers.get(conflict.questionId)!;
              this.answers.set(conflict.questionId, { ...current, value, version: current.version + 1 });
            }
          }
          return { data: [], error: null };
        }
        return { data: null, error: { message: `no such rpc ${name}`, code: 'PGRST202' } };
      },
    } as never;
  }
}

/** What the network does to one request. */
export type Fault =
  | 'ok'
  | 'slow' // answered after 3 s
  | 'drop-before' // never reaches the server: a network error
  | 'drop-after' // applied, but the answer is lost: a network error
  | 'hang' // applied, no answer until the client gives up
  | '503'
  | '429'
  | '500';

export interface RequestLog { ops: Op[]; fault: Fault; at: number; owner: number }

/** A fake network in front of a FakeServer. */
export class FakeNetwork {
  offline = false;
  log: RequestLog[] = [];
  /** Op ids whose 200 answer reached the client, with the index of that request and the page it reached. */
  delivered = new Map<string, { index: number; owner: number }>();
  #dead = new Set<number>();

  constructor(readonly server: FakeServer, readonly clock: FakeClock, public faults: () => Fault = () => 'ok') {}

  /** Requests of `owner` never answer from now on (its page crashed). */
  kill(owner: number): void {
    this.#dead.add(owner);
  }

  fetch(owner = 0): Fetch {
    return async (url, init) => {
      if (!url.endsWith('/attempt-sync')) throw new TypeError('fetch failed: no such endpoint in the fake network');
      const body = JSON.parse(String(init?.body));
      const fault: Fault = this.offline ? 'drop-before' : this.faults();
      const answer = async (make: () => Response | Promise<never>) => {
        // What a crashed page would have got never reaches it.
        if (this.#dead.has(owner)) return new Promise<never>(() => {});
        return make();
      };
      const index = this.log.push({ ops: body.ops, fault, at: this.clock.now, owner }) - 1;
      const signal = init?.signal ?? undefined;
      const waitAbort = () => new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(new Error('aborted'));
        signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
      await Promise.resolve();
      if (fault === 'drop-before') return answer(() => Promise.reject(new TypeError('fetch failed')));
      if (fault === '503') return answer(() => json(503, { code: 'database_unavailable', message: 'down' }, { 'retry-after': '1' }));
      if (fault === '429') return answer(() => json(429, { code: 'rate_limited', message: 'slow down' }, { 'retry-after': '2' }));
      if (fault === '500') return answer(() => json(500, { code: 'internal', message: 'boom' }));
      const [status, body200] = this.server.sync(body);
      if (fault === 'drop-after') return answer(() => Promise.reject(new TypeError('fetch failed')));
      if (fault === 'hang') return waitAbort();
      if (fault === 'slow') {
        await new Promise<void>((resolve, reject) => {
          const s = this.clock.scheduler(owner);
          s.setTimeout(resolve, 3000);
          signal?.addEventListener('abort', () => reject(new Error('aborted')));
        });
      }
      if (this.#dead.has(owner)) return new Promise<never>(() => {});
      if (status === 200) for (const op of body.ops as Op[]) if (!this.delivered.has(op.op_id)) this.delivered.set(op.op_id, { index, owner });
      return json(status, body200);
    };
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** N question ids. */
export function questionIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `00000000-0000-4000-a000-${String(i + 1).padStart(12, '0')}`);
}

/**
 * The browser's Web Locks as the tabs of one origin share them: `page(owner)` is one
 * tab's view, and `kill(owner)` releases every lock that tab held (a crashed tab's
 * locks are released by the browser).
 */
export class FakeLocks {
  readonly #world = memoryLocks();
  readonly #held = new Map<number, Set<() => void>>();

  page(owner: number): Locks {
    return {
      tryHold: async (name) => {
        const release = await this.#world.tryHold(name);
        if (release === undefined) return undefined;
        const mine = this.#held.get(owner) ?? new Set();
        this.#held.set(owner, mine);
        mine.add(release);
        return () => {
          mine.delete(release);
          release();
        };
      },
      isHeld: (name) => this.#world.isHeld(name),
      exclusive: (name, body) => this.#world.exclusive(name, body),
    };
  }

  kill(owner: number): void {
    for (const release of this.#held.get(owner) ?? []) release();
    this.#held.delete(owner);
  }
}
