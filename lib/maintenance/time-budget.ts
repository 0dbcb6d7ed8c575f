/**
 * How much wall-clock time a unit of work may still spend. Work checks it before each statement and
 * stops cleanly at zero, leaving state the next run resumes from. It is wall-clock time (a Lambda's
 * remaining time), unrelated to the injected Clock, which says what day it is.
 */
export interface TimeBudget {
  remainingMs(): number;
}

/**
 * A budget over a remaining-time source (e.g. a Lambda context's getRemainingTimeInMillis) that
 * keeps `reserveMs` back: no statement may start that could outlive the invocation (a Data API
 * statement may take up to 45 s).
 */
export function timeBudget(remainingMs: () => number, reserveMs: number): TimeBudget {
  return { remainingMs: () => Math.max(0, remainingMs() - reserveMs) };
}

/** A budget of `ms` from now. */
export function budgetOf(ms: number): TimeBudget {
  const deadline = performance.now() + ms;
  return { remainingMs: () => Math.max(0, deadline - performance.now()) };
}
