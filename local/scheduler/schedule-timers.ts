/** The timer functions a schedule runs on; tests substitute their own (or fake the globals). */
export interface ScheduleTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node clamps longer delays to 1 ms; longer waits are taken in steps of this. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The process's timers, looked up at each call so that fake timers installed later apply; they never
 * keep the process alive on their own.
 */
export const systemTimers: ScheduleTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Waits `ms` on `timers`; resolves false at once when `signal` aborts first. */
export function wait(timers: ScheduleTimers, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    let handle: unknown;
    const onAbort = () => {
      timers.clearTimeout(handle);
      resolve(false);
    };
    const step = (left: number) => {
      handle = timers.setTimeout(
        () => {
          if (left > MAX_TIMER_DELAY_MS) return step(left - MAX_TIMER_DELAY_MS);
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        },
        Math.max(0, Math.min(left, MAX_TIMER_DELAY_MS)),
      );
    };
    signal.addEventListener('abort', onAbort, { once: true });
    step(ms);
  });
}
