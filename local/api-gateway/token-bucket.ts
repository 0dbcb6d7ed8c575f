/**
 * A token bucket ("API Gateway throttles requests to your API using the token bucket algorithm,
 * where a token counts for a request"): it holds up to `burstLimit` tokens, starts full, and refills
 * at `rateLimit` tokens a second.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #capacity: number;
  #tokens: number;
  #refilledAt: number;

  constructor(rateLimit: number, burstLimit: number, now: number) {
    this.#rate = rateLimit;
    this.#capacity = burstLimit;
    this.#tokens = burstLimit;
    this.#refilledAt = now;
  }

  /** Takes a token for one request; false when none is left (the request is throttled). */
  take(now: number): boolean {
    const elapsedSeconds = Math.max(0, now - this.#refilledAt) / 1000;
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsedSeconds * this.#rate);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
