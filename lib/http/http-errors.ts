/** One invalid input, named for the client (RFC 9457 §3 "invalid-params" extension). */
export interface InvalidParam {
  readonly name: string;
  readonly reason: string;
}

/**
 * An error that maps to an HTTP problem (RFC 9457). `expose` says whether `detail` may be shown to
 * the client; anything else becomes a generic 500 and is logged with its cause.
 */
export class HttpProblemError extends Error {
  readonly status: number;
  readonly title: string;
  readonly expose = true;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    title: string,
    detail: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.title = title;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/** Bad input: names each offending parameter. */
export class BadRequestError extends HttpProblemError {
  readonly invalidParams: readonly InvalidParam[];
  constructor(detail: string, invalidParams: readonly InvalidParam[] = []) {
    super(400, 'Bad Request', detail, invalidParams.length > 0 ? { extensions: { invalidParams } } : {});
    this.invalidParams = invalidParams;
  }
}

export class NotFoundError extends HttpProblemError {
  constructor(detail: string) {
    super(404, 'Not Found', detail);
  }
}

export class MethodNotAllowedError extends HttpProblemError {
  constructor(method: string, allowed: readonly string[]) {
    super(405, 'Method Not Allowed', `${method} is not allowed here; use ${allowed.join(', ')}`, {
      headers: { allow: allowed.join(', ') },
    });
  }
}

export class ConflictError extends HttpProblemError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(409, 'Conflict', detail, { extensions });
  }
}

export class PayloadTooLargeError extends HttpProblemError {
  constructor(detail: string) {
    super(413, 'Payload Too Large', detail);
  }
}

export class UnsupportedMediaTypeError extends HttpProblemError {
  constructor(detail: string) {
    super(415, 'Unsupported Media Type', detail);
  }
}

/** What a 503 tells the client to wait before it retries (a paused cluster resumes in ~15 s). */
export const RETRY_AFTER_UNAVAILABLE = { 'retry-after': '5' } as const;

/** The service cannot answer now (e.g. the database is unreachable); the client may retry. */
export class ServiceUnavailableError extends HttpProblemError {
  constructor(detail: string, cause?: unknown) {
    super(503, 'Service Unavailable', detail, { headers: { ...RETRY_AFTER_UNAVAILABLE }, cause });
  }
}
