import { type ClientLogger, RateLimitedWarning } from './client-logger.ts';
import type { SendFailure } from './send-failure.ts';

/**
 * The client's delivery health: a warning when sends fail (at most one per interval), and one info
 * line when delivery works again after failures.
 */
export class HealthReporter {
  readonly #logger: ClientLogger;
  readonly #now: () => number;
  readonly #warning: RateLimitedWarning;
  #failingSince: number | undefined;
  #failures = 0;

  constructor(logger: ClientLogger, intervalMs: number, now: () => number) {
    this.#logger = logger;
    this.#now = now;
    this.#warning = new RateLimitedWarning(
      (details) => logger.warn('journal client: sending to SQS is failing; events stay buffered', details),
      intervalMs,
      now,
    );
  }

  failed(failure: SendFailure, state: Record<string, unknown>): void {
    this.#failingSince ??= this.#now();
    this.#failures += 1;
    this.#warning.report({
      failure: failure.kind,
      detail: failure.detail,
      retrying: failure.retryable,
      ...state,
    });
  }

  delivered(): void {
    if (this.#failingSince === undefined) return;
    const details = { failingForMs: this.#now() - this.#failingSince, failedAttempts: this.#failures };
    this.#failingSince = undefined;
    this.#failures = 0;
    try {
      this.#logger.info('journal client: sending to SQS works again', details);
    } catch {
      // A broken logger must not break sending.
    }
  }
}
