/**
 * Where the offline queue lives: a {@linkcode QueueStore} keeps one small document
 * per attempt (the client ids of the tabs and devices that used it, their next seq,
 * and every op not yet acknowledged, each with the client id it was made under).
 * IndexedDB in browsers, a file in Node, memory in tests; any other store (React
 * Native's AsyncStorage, SQLite...) implements the same two methods. Tabs never
 * save a document they did not just read: every change is a read-modify-write,
 * atomic in `update` when the store has one, else under an exclusive lock.
 *
 * @module
 */

import type { Op } from "../../types/sync.ts";

/** An op waiting for the server's acknowledgement, with when it was made. */
export interface QueuedOp {
  op: Op;
  /** The client id the op was made under (its `seq` counts in that client's sequence). */
  clientId: string;
  /** Device time the op was made (ms since the epoch). */
  queuedAt: number;
}

/** What a store keeps for one attempt (shared by the tabs of a browser). */
export interface PersistedQueue {
  version: 2;
  /**
   * Client ids (one per tab open at once: a reload takes back a free one, so seq
   * keeps growing), each with the seq its next op gets.
   */
  clients: Record<string, { nextSeq: number }>;
  /** Ops not acknowledged yet, oldest first. */
  ops: QueuedOp[];
}

/** The first document format (one client id); read and upgraded on load. */
export interface PersistedQueueV1 {
  version: 1;
  clientId: string;
  nextSeq: number;
  ops: { op: Op; queuedAt: number }[];
}

/** A document as a store may hold it. */
export type StoredQueue = PersistedQueue | PersistedQueueV1;

/**
 * Durable key-value storage of queue documents. `save` must not resolve before
 * the document is durable (a reload or crash after it loses nothing).
 */
export interface QueueStore {
  load(key: string): Promise<StoredQueue | undefined>;
  save(key: string, value: PersistedQueue): Promise<void>;
  /**
   * Optional atomic read-modify-write: reads the document, saves `change(it)` and
   * resolves with it, with no other write in between (even from another tab).
   * Stores without it get load and save under an exclusive lock.
   */
  update?(key: string, change: (current: StoredQueue | undefined) => PersistedQueue): Promise<PersistedQueue>;
  /** Forgets a key (optional). */
  remove?(key: string): Promise<void>;
}

/**
 * A store in memory: survives a session being closed and opened again in the same
 * process (what a reload is to a test), not the process.
 *
 * @example
 * ```ts
 * const store = memoryStore();
 * await store.save("k", { version: 2, clients: { c: { nextSeq: 0 } }, ops: [] });
 * (await store.load("k"))?.version; // 2
 * ```
 */
export function memoryStore(): QueueStore & { readonly data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    load: async (key) => {
      const text = data.get(key);
      return text === undefined ? undefined : JSON.parse(text) as StoredQueue;
    },
    save: async (key, value) => {
      data.set(key, JSON.stringify(value));
    },
    // Synchronous between the read and the write: nothing can come in between.
    update: async (key, change) => {
      const text = data.get(key);
      const next = change(text === undefined ? undefined : JSON.parse(text) as StoredQueue);
      data.set(key, JSON.stringify(next));
      return next;
    },
    remove: async (key) => {
      data.delete(key);
    },
  };
}

interface MinimalFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readFile(path: string, encoding: "utf8"): Promise<string>;
  writeFile(path: string, data: string, options?: { flush?: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
}

/**
 * A store of JSON files in `directory` (Node, Deno, Bun): each save writes a
 * temporary file, flushes it and renames it over the old one, so a crash leaves the
 * old document or the new one, never half of one.
 *
 * @example
 * ```ts
 * const exam = createExamClient({ supabase, store: fileStore(".examsync-queue") });
 * ```
 */
export function fileStore(directory: string): QueueStore {
  // A specifier in a variable: bundlers for the browser leave node:fs out.
  const specifier = "node:fs/promises";
  let fs: Promise<MinimalFs> | undefined;
  const getFs = () => (fs ??= import(specifier) as Promise<MinimalFs>);
  const fileOf = (key: string) => `${directory}/${encodeURIComponent(key)}.json`;
  let counter = 0;
  return {
    async load(key) {
      try {
        return JSON.parse(await (await getFs()).readFile(fileOf(key), "utf8")) as StoredQueue;
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async save(key, value) {
      const files = await getFs();
      await files.mkdir(directory, { recursive: true });
      const temporary = `${fileOf(key)}.${Date.now()}-${counter++}.tmp`;
      await files.writeFile(temporary, JSON.stringify(value), { flush: true });
      await files.rename(temporary, fileOf(key));
    },
    async remove(key) {
      await (await getFs()).rm(fileOf(key), { force: true });
    },
  };
}

/**
 * A store in the browser's IndexedDB (database `databaseName`, object store
 * `queues`); each save is one readwrite transaction, resolved on `complete` (and
 * `durability: "strict"` where the browser supports it), and `update` reads and
 * writes in one readwrite transaction, which IndexedDB runs alone across tabs.
 *
 * @example
 * ```ts
 * const exam = createExamClient({ supabase, store: indexedDbStore() });
 * ```
 */
export function indexedDbStore(databaseName = "examsync", factory: IDBFactory = globalThis.indexedDB): QueueStore {
  let database: Promise<IDBDatabase> | undefined;
  const open = () =>
    (database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(databaseName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore("queues");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }));
  const run = async <T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction("queues", mode, { durability: "strict" } as IDBTransactionOptions);
      const request = body(transaction.objectStore("queues"));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  };
  return {
    load: async (key) => (await run("readonly", (store) => store.get(key))) as StoredQueue | undefined,
    save: async (key, value) => {
      await run("readwrite", (store) => store.put(value, key));
    },
    update: async (key, change) => {
      let next: PersistedQueue | undefined;
      await run("readwrite", (store) => {
        const read = store.get(key);
        read.onsuccess = () => {
          next = change(read.result as StoredQueue | undefined);
          store.put(next, key);
        };
        return read;
      });
      return next!;
    },
    remove: async (key) => {
      await run("readwrite", (store) => store.delete(key));
    },
  };
}

/**
 * IndexedDB where there is one (browsers), else memory (with a warning: pass
 * {@linkcode fileStore} or your own store to survive a restart).
 */
export function defaultStore(): QueueStore {
  if (typeof globalThis.indexedDB !== "undefined") return indexedDbStore();
  console.warn("examsync: no IndexedDB here, the offline queue is kept in memory; pass a store to keep it");
  return memoryStore();
}
