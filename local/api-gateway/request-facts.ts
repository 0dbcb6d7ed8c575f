import { randomBytes, randomUUID } from 'node:crypto';
import { headerValue, type IncomingApiRequest } from './incoming-request.ts';

/** What API Gateway knows of a request before routing it: its ids, arrival time and origin. */
export interface RequestFacts {
  readonly requestId: string;
  /** The `x-amz-apigw-id` (`$context.extendedRequestId`). */
  readonly extendedRequestId: string;
  readonly receivedAt: number;
  /** The Host the client called (`$context.domainName`). */
  readonly domainName: string;
  readonly sourceIp: string;
  readonly userAgent: string | null;
  /** X-Amzn-Trace-Id: the caller's, or a new root as API Gateway starts one. */
  readonly traceId: string;
}

/** Ids and times for one request. */
export function requestFacts(request: IncomingApiRequest, now: number): RequestFacts {
  const host = headerValue(request, 'host') ?? '127.0.0.1';
  return {
    requestId: randomUUID(),
    extendedRequestId: randomBytes(12).toString('base64'),
    receivedAt: now,
    domainName: host.replace(/:\d+$/, ''),
    sourceIp: request.sourceIp,
    userAgent: headerValue(request, 'user-agent') ?? null,
    traceId:
      headerValue(request, 'x-amzn-trace-id') ??
      `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$context.requestTime` in its CLF form: `09/Apr/2015:12:34:56 +0000`. */
export function requestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(
    date.getUTCHours(),
  )}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}
