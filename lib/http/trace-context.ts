import { randomBytes } from 'node:crypto';
import type { HttpRequest } from './http-request.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;
const XRAY_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The request's trace id: X-Trace-Id when it is a W3C or X-Ray trace id, else the trace id of a
 * W3C `traceparent`, else a new one. A malformed value is never echoed back (it could carry
 * anything into logs and headers).
 */
export function traceIdOf(request: HttpRequest): string {
  const given = request.headers['x-trace-id']?.trim().toLowerCase();
  if (given && (TRACE_ID.test(given) || XRAY_ID.test(given)) && !/^0+$/.test(given)) return given;
  const parent = TRACEPARENT.exec(request.headers.traceparent?.trim().toLowerCase() ?? '');
  if (parent?.[1] && !/^0+$/.test(parent[1])) return parent[1];
  return randomBytes(16).toString('hex');
}
