/**
 * Locks shared by every tab of a browser (the Web Locks API) or, elsewhere, by
 * everything in one process. The offline queue uses them for two things: a tab
 * holds its client id for as long as it is open (so two tabs never send ops under
 * one client id with clashing seqs), and every change to the stored queue document
 * is a read-modify-write under an exclusive lock (so no tab overwrites ops another
 * tab stored). A crashed or closed tab's locks are released by the browser.
 *
 * @module
 */

/** What the queue needs from a lock manager. */
export interface Locks {
  /** Holds `name` until the returned function is called; `undefined` when someone else holds it. */
  tryHold(name: string): Promise<(() => void) | undefined>;
  /** Whether anyone holds `name` now. */
  isHeld(name: string): Promise<boolean>;
  /** Runs `body` while holding `name` exclusively (waiting for it). */
  exclusive<T>(name: string, body: () => Promise<T>): Promise<T>;
}

interface WebLockManager {
  request(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => unknown): Promise<unknown>;
  request(name: string, callback: (lock: unknown) => unknown): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

/**
 * Locks over the Web Locks API (`navigator.locks`), shared by every tab of an origin.
 *
 * @example
 * ```ts
 * const locks = webLocks(navigator.locks);
 * const release = await locks.tryHold("examsync:attempt:1:client:c1");
 * ```
 */
export function webLocks(manager: WebLockManager): Locks {
  return {
    tryHold: (name) =>
      new Promise((resolve, reject) => {
        manager.request(name, { ifAvailable: true }, (lock) => {
          if (lock === null) {
            resolve(undefined);
            return undefined;
          }
          // The lock is held until this promise settles.
          return new Promise<void>((release) => resolve(() => release()));
        }).catch(reject);
      }),
    isHeld: async (name) => ((await manager.query()).held ?? []).some((lock) => lock.name === name),
    exclusive: (name, body) => manager.request(name, () => body()) as Promise<Awaited<ReturnType<typeof body>>>,
  };
}

/**
 * Locks in this process's memory: what one process's sessions share (Node, Deno,
 * tests). Every call of `memoryLocks()` is a separate world.
 *
 * @example
 * ```ts
 * const locks = memoryLocks();
 * await locks.exclusive("k", async () => { ... });
 * ```
 */
export function memoryLocks(): Locks {
  const held = new Set<string>();
  const queues = new Map<string, Promise<unknown>>();
  return {
    tryHold: async (name) => {
      if (held.has(name)) return undefined;
      held.add(name);
      return () => held.delete(name);
    },
    isHeld: async (name) => held.has(name),
    exclusive: (name, body) => {
      const run = (queues.get(name) ?? Promise.resolve()).then(body, body);
      const tail = run.catch(() => {});
      queues.set(name, tail);
      void tail.then(() => {
        if (queues.get(name) === tail) queues.delete(name);
      });
      return run;
    },
  };
}

const processWide = memoryLocks();

/** The Web Locks API where there is one (browsers, Deno), else locks of this process. */
export function defaultLocks(): Locks {
  const manager = (globalThis as { navigator?: { locks?: WebLockManager } }).navigator?.locks;
  return manager === undefined ? processWide : webLocks(manager);
}
