/**
 * Data API errors after which the statement certainly did not run, so sending it again is safe:
 * "A request was cancelled because the Aurora Serverless v2 DB instance was paused ... Wait a few
 * seconds and try again" (DatabaseResumingException), the writer instance not available
 * (DatabaseUnavailableException), the service unavailable or throttling, and a refused connection.
 */
const TRANSIENT = new Set([
  'DatabaseResumingException',
  'DatabaseUnavailableException',
  'ServiceUnavailableError',
  'ThrottlingException',
  'TooManyRequestsException',
]);

/** True when the SDK error says the request was not executed and may be sent again. */
export function isTransientDataApiError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT.has(error.name)) return true;
  return (error as { code?: string }).code === 'ECONNREFUSED';
}

/** How long to keep trying, and what to tell about it. */
export interface TransientRetryPolicy {
  /** Milliseconds the caller may still spend (a Lambda's remaining time less its reserve). */
  readonly remainingMs: () => number;
  /** The first delay's ceiling; each attempt doubles it up to maxDelayMs (full jitter). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Once per episode, at its first transient error. */
  readonly onEpisodeStart?: (error: Error) => void;
  /** Every retry (to count them). */
  readonly onRetry?: (info: {
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: Error;
  }) => void;
  /** The episode ended: recovered (true) or given up past the budget (false). */
  readonly onEpisodeEnd?: (info: {
    readonly recovered: boolean;
    readonly retries: number;
    readonly waitedMs: number;
  }) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const DEFAULT_BASE_DELAY_MS = 250;
const DEFAULT_MAX_DELAY_MS = 2_000;

/**
 * Calls `call`, sending it again after a transient error with exponential backoff and full jitter
 * (AWS's "Exponential Backoff And Jitter"), as long as the wait fits the caller's remaining time.
 * Past it, the last error is thrown for the caller to fail the way it must. Other errors are thrown
 * at once.
 */
export async function withTransientRetry<T>(
  call: () => Promise<T>,
  policy: TransientRetryPolicy,
): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = policy.random ?? Math.random;
  const base = policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const max = policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  let retries = 0;
  let waitedMs = 0;
  for (;;) {
    try {
      const result = await call();
      if (retries > 0) policy.onEpisodeEnd?.({ recovered: true, retries, waitedMs });
      return result;
    } catch (error) {
      if (!isTransientDataApiError(error)) throw error;
      if (retries === 0) policy.onEpisodeStart?.(error as Error);
      const delayMs = Math.round(random() * Math.min(max, base * 2 ** retries));
      if (delayMs >= policy.remainingMs()) {
        policy.onEpisodeEnd?.({ recovered: false, retries, waitedMs });
        throw error;
      }
      retries += 1;
      policy.onRetry?.({ attempt: retries, delayMs, error: error as Error });
      await sleep(delayMs);
      waitedMs += delayMs;
    }
  }
}
