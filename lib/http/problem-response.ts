import { HttpProblemError, ServiceUnavailableError } from './http-errors.ts';
import type { HttpResponse } from './http-response.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** What the caller should log about an error the client only sees generically. */
export interface UnexpectedError {
  readonly error: unknown;
  readonly status: number;
}

/**
 * The one error-to-HTTP mapping: a problem error keeps its status and detail; a retryable
 * infrastructure error (e.g. the database is unreachable) is a 503 the client may retry; anything
 * else is a 500 with a generic detail (the cause is logged, never shown).
 */
export function problemResponse(
  error: unknown,
  context: { instance: string; traceId: string },
  onUnexpected: (unexpected: UnexpectedError) => void,
): HttpResponse {
  let problem: HttpProblemError;
  if (error instanceof HttpProblemError) {
    problem = error;
  } else if (isRetryable(error)) {
    problem = new ServiceUnavailableError(
      'The journal database is not reachable right now; retry shortly.',
      error,
    );
    onUnexpected({ error, status: 503 });
  } else {
    problem = new HttpProblemError(500, 'Internal Server Error', 'The request failed unexpectedly.', {
      cause: error,
    });
    onUnexpected({ error, status: 500 });
  }
  const body = {
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.message,
    instance: context.instance,
    traceId: context.traceId,
    ...problem.extensions,
  };
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...problem.headers },
    body: JSON.stringify(body),
  };
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}
