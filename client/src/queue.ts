/**
 * The persisted offline queue of one attempt in one tab: ops get a fresh `op_id`
 * and the next `seq` of the tab's client id when made, stay until the server
 * acknowledges them (or refuses exactly them), and every change is written to the
 * store before the promise that made it resolves.
 *
 * Several tabs may share one stored document. None overwrites another's ops: a
 * tab writes only its own changes (ops added, ops removed), merged into the
 * document as it is at that moment (an atomic `update` of the store, or load and
 * save under an exclusive lock). Each open tab holds its own client id (a lock), so
 * seqs never clash; a reload takes a free client id back, and on open a tab also
 * adopts the ops of client ids no open tab holds (a tab that closed or crashed
 * before sending them).
 *
 * @module
 */

import type { Op } from "../../types/sync.ts";
import { defaultLocks, type Locks } from "./locks.ts";
import type { PersistedQueue, QueuedOp, QueueStore, StoredQueue } from "./stores.ts";

/** An op as the caller makes it: `op_id` and `seq` are given by the queue. */
export type NewOp = Op extends infer O ? O extends Op ? Omit<O, "op_id" | "seq"> : never : never;

/** Options of {@linkcode OpQueue.open}. */
export interface OpQueueOptions {
  store: QueueStore;
  key: string;
  /** Makes op ids and new client ids (default `crypto.randomUUID`). */
  uuid?: () => string;
  /** Device time (for `queuedAt`). */
  now?: () => number;
  /** Shared by the tabs (default the Web Locks API, else this process's). */
  locks?: Locks;
}

/** A batch: ops of one client id, oldest first. */
export interface Batch {
  clientId: string;
  ops: Op[];
}

/** Reads any stored format as the current one. */
export function upgrade(stored: StoredQueue | undefined): PersistedQueue {
  if (stored === undefined) return { version: 2, clients: {}, ops: [] };
  if (stored.version === 2) return stored;
  return {
    version: 2,
    clients: { [stored.clientId]: { nextSeq: stored.nextSeq } },
    ops: stored.ops.map((item) => ({ ...item, clientId: stored.clientId })),
  };
}

/** The offline queue. */
export class OpQueue {
  #ops: QueuedOp[];
  #clientId: string;
  #nextSeq: number;
  #release: () => void;
  #options: Required<OpQueueOptions>;
  /** Changes not written yet. */
  #added: QueuedOp[] = [];
  #removed = new Set<string>();
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown;

  private constructor(ops: QueuedOp[], clientId: string, nextSeq: number, release: () => void, options: Required<OpQueueOptions>) {
    this.#ops = ops;
    this.#clientId = clientId;
    this.#nextSeq = nextSeq;
    this.#release = release;
    this.#options = options;
  }

  /**
   * Loads the queue of `key`, takes a client id no open tab holds (or a new one),
   * and adopts the ops of client ids nobody holds.
   *
   * @example
   * ```ts
   * const queue = await OpQueue.open({ store: memoryStore(), key: "attempt:1" });
   * await queue.push({ type: "flag", question_id: questionId }).stored;
   * ```
   */
  static async open(options: OpQueueOptions): Promise<OpQueue> {
    const full: Required<OpQueueOptions> = {
      uuid: () => globalThis.crypto.randomUUID(),
      now: () => Date.now(),
      locks: defaultLocks(),
      ...options,
    };
    const doc = upgrade(await options.store.load(options.key));
    const lockOf = (clientId: string) => `${options.key}:client:${clientId}`;
    let clientId: string | undefined;
    let release: (() => void) | undefined;
    for (const candidate of Object.keys(doc.clients)) {
      release = await full.locks.tryHold(lockOf(candidate));
      if (release !== undefined) {
        clientId = candidate;
        break;
      }
    }
    if (clientId === undefined) {
      clientId = full.uuid();
      release = (await full.locks.tryHold(lockOf(clientId))) ?? (() => {});
    }
    const orphaned = new Map<string, boolean>();
    for (const { clientId: owner } of doc.ops) {
      if (!orphaned.has(owner)) orphaned.set(owner, owner === clientId || !(await full.locks.isHeld(lockOf(owner))));
    }
    const ops = doc.ops.filter((item) => orphaned.get(item.clientId));
    const queue = new OpQueue(ops, clientId, doc.clients[clientId]?.nextSeq ?? 0, release!, full);
    await queue.#persist();
    return queue;
  }

  /** This tab's client id. */
  get clientId(): string {
    return this.#clientId;
  }

  /** Ops waiting, oldest first (do not modify). */
  get ops(): readonly QueuedOp[] {
    return this.#ops;
  }

  get length(): number {
    return this.#ops.length;
  }

  /** Adds an op with a fresh op id and the next seq; resolves once it is stored. */
  push(op: NewOp): { op: Op; stored: Promise<void> } {
    const full = { ...op, op_id: this.#options.uuid(), seq: this.#nextSeq } as Op;
    this.#nextSeq += 1;
    const item = { op: full, clientId: this.#clientId, queuedAt: this.#options.now() };
    this.#ops.push(item);
    this.#added.push(item);
    return { op: full, stored: this.#persist() };
  }

  /**
   * The oldest ops of one client id, at most `maxOps` of them and (beyond the
   * first) at most `maxBytes` of JSON.
   */
  peek(maxOps: number, maxBytes: number): Batch {
    const clientId = this.#ops[0]?.clientId ?? this.#clientId;
    const ops: Op[] = [];
    let bytes = 0;
    for (const item of this.#ops) {
      if (ops.length >= maxOps || item.clientId !== clientId) break;
      const size = JSON.stringify(item.op).length + 1;
      if (ops.length > 0 && bytes + size > maxBytes) break;
      ops.push(item.op);
      bytes += size;
    }
    return { clientId, ops };
  }

  /** Removes the ops of `opIds` (acknowledged or dropped); resolves once stored. */
  remove(opIds: Iterable<string>): Promise<void> {
    const gone = new Set(opIds);
    const before = this.#ops.length;
    this.#ops = this.#ops.filter(({ op }) => !gone.has(op.op_id));
    if (before === this.#ops.length) return this.#writing;
    for (const id of gone) this.#removed.add(id);
    return this.#persist();
  }

  /** Resolves when every change so far is stored (rejects if a write failed). */
  async settled(): Promise<void> {
    await this.#writing;
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Lets another tab take this client id (after the last write). */
  async close(): Promise<void> {
    await this.#writing;
    this.#release();
  }

  #persist(): Promise<void> {
    // Writes go one after another; each merges the changes made until it runs.
    const write = this.#writing.then(async () => {
      const added = this.#added;
      const removed = this.#removed;
      this.#added = [];
      this.#removed = new Set();
      try {
        await this.#merge(added, removed);
        this.#failure = undefined;
      } catch (error) {
        // Kept for the next write, which retries them.
        this.#added = [...added, ...this.#added];
        for (const id of removed) this.#removed.add(id);
        this.#failure = error;
        throw error;
      }
    });
    this.#writing = write.catch(() => {});
    return write;
  }

  #merge(added: QueuedOp[], removed: Set<string>): Promise<unknown> {
    const { store, key, locks } = this.#options;
    const change = (stored: StoredQueue | undefined): PersistedQueue => {
      const doc = upgrade(stored);
      const known = new Set(doc.ops.map(({ op }) => op.op_id));
      const ops = [...doc.ops, ...added.filter(({ op }) => !known.has(op.op_id))]
        .filter(({ op }) => !removed.has(op.op_id));
      const nextSeq = Math.max(doc.clients[this.#clientId]?.nextSeq ?? 0, this.#nextSeq);
      return { version: 2, clients: { ...doc.clients, [this.#clientId]: { nextSeq } }, ops };
    };
    if (store.update !== undefined) return store.update(key, change);
    return locks.exclusive(`${key}:write`, async () => {
      await store.save(key, change(await store.load(key)));
    });
  }
}
