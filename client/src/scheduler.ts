/**
 * Time as the SDK sees it: the device's clock and timers, injectable so tests run
 * on a fake clock.
 *
 * @module
 */

/** A handle returned by {@linkcode Scheduler.setTimeout}. */
export type TimerHandle = unknown;

/** The device's clock and timers. */
export interface Scheduler {
  /** Milliseconds since the epoch by the device's clock. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock and timers of the platform.
 *
 * @example
 * ```ts
 * const scheduler = systemScheduler();
 * scheduler.setTimeout(() => console.log(scheduler.now()), 100);
 * ```
 */
export function systemScheduler(): Scheduler {
  return {
    now: () => Date.now(),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  };
}
