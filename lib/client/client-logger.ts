/** Where the client reports its health; `console` and a Powertools Logger both fit. */
export interface ClientLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

/**
 * A warning logged at most once per interval, saying how many were held back since the last one, so
 * a flood of the same trouble costs one log line per interval.
 */
export class RateLimitedWarning {
  readonly #log: (details: Record<string, unknown>) => void;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastAt = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(log: (details: Record<string, unknown>) => void, intervalMs: number, now: () => number) {
    this.#log = log;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  report(details: Record<string, unknown>): void {
    const now = this.#now();
    if (now - this.#lastAt < this.#intervalMs) {
      this.#suppressed += 1;
      return;
    }
    const suppressed = this.#suppressed;
    this.#lastAt = now;
    this.#suppressed = 0;
    try {
      this.#log(suppressed > 0 ? { ...details, suppressedSinceLast: suppressed } : details);
    } catch {
      // A broken logger must not break publishing.
    }
  }
}
