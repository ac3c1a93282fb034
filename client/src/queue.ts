/**
 * The persisted offline queue of one attempt on one device: ops get a fresh
 * `op_id` and the device's next `seq` when made, stay until the server
 * acknowledges them (or refuses exactly them), and every change is written to the
 * store before the promise that made it resolves.
 *
 * @module
 */

import type { Op } from "../../types/sync.ts";
import type { PersistedQueue, QueuedOp, QueueStore } from "./stores.ts";

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
}

/** The offline queue. */
export class OpQueue {
  #doc: PersistedQueue;
  #store: QueueStore;
  #key: string;
  #uuid: () => string;
  #now: () => number;
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown;

  private constructor(doc: PersistedQueue, options: Required<OpQueueOptions>) {
    this.#doc = doc;
    this.#store = options.store;
    this.#key = options.key;
    this.#uuid = options.uuid;
    this.#now = options.now;
  }

  /**
   * Loads the queue of `key`, or starts one with a new client id.
   *
   * @example
   * ```ts
   * const queue = await OpQueue.open({ store: memoryStore(), key: "attempt:1" });
   * await queue.push({ type: "flag", question_id: questionId });
   * ```
   */
  static async open(options: OpQueueOptions): Promise<OpQueue> {
    const full: Required<OpQueueOptions> = {
      uuid: () => globalThis.crypto.randomUUID(),
      now: () => Date.now(),
      ...options,
    };
    const loaded = await options.store.load(options.key);
    const doc: PersistedQueue = loaded?.version === 1
      ? loaded
      : { version: 1, clientId: full.uuid(), nextSeq: 0, ops: [] };
    const queue = new OpQueue(doc, full);
    if (loaded === undefined) await queue.#persist();
    return queue;
  }

  /** The device's client id. */
  get clientId(): string {
    return this.#doc.clientId;
  }

  /** Ops waiting, oldest first (do not modify). */
  get ops(): readonly QueuedOp[] {
    return this.#doc.ops;
  }

  get length(): number {
    return this.#doc.ops.length;
  }

  /** Adds an op with a fresh op id and the next seq; resolves once it is stored. */
  push(op: NewOp): { op: Op; stored: Promise<void> } {
    const full = { ...op, op_id: this.#uuid(), seq: this.#doc.nextSeq } as Op;
    this.#doc.nextSeq += 1;
    this.#doc.ops.push({ op: full, queuedAt: this.#now() });
    return { op: full, stored: this.#persist() };
  }

  /**
   * The oldest ops, at most `maxOps` of them and (beyond the first) at most
   * `maxBytes` of JSON.
   */
  peek(maxOps: number, maxBytes: number): Op[] {
    const batch: Op[] = [];
    let bytes = 0;
    for (const { op } of this.#doc.ops) {
      if (batch.length >= maxOps) break;
      const size = JSON.stringify(op).length + 1;
      if (batch.length > 0 && bytes + size > maxBytes) break;
      batch.push(op);
      bytes += size;
    }
    return batch;
  }

  /** Removes the ops of `opIds` (acknowledged or dropped); resolves once stored. */
  remove(opIds: Iterable<string>): Promise<void> {
    const gone = new Set(opIds);
    const before = this.#doc.ops.length;
    this.#doc.ops = this.#doc.ops.filter(({ op }) => !gone.has(op.op_id));
    return before === this.#doc.ops.length ? this.#writing : this.#persist();
  }

  /** Resolves when every change so far is stored (rejects if a write failed). */
  async settled(): Promise<void> {
    await this.#writing;
    if (this.#failure !== undefined) throw this.#failure;
  }

  #persist(): Promise<void> {
    // Writes go one after another, each with the document as it is when it runs.
    const write = this.#writing.then(async () => {
      try {
        await this.#store.save(this.#key, structuredClone(this.#doc));
        this.#failure = undefined;
      } catch (error) {
        this.#failure = error;
        throw error;
      }
    });
    this.#writing = write.catch(() => {});
    return write;
  }
}
