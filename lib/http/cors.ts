import type { HttpRequest } from './http-request.ts';

/** Which browser origins may call the API (the Hive UI's); `*` allows any. */
export interface CorsPolicy {
  readonly allowedOrigins: readonly string[];
}

/**
 * The request headers a browser may send: bearer tokens, trace context, and what a SigV4-signing
 * browser client (aws-sdk in the browser) adds. infra/journal-api.ts answers API Gateway's
 * preflights with this same list.
 */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  'content-type',
  'authorization',
  'x-trace-id',
  'traceparent',
  'tracestate',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
];
const ALLOWED_HEADERS = CORS_ALLOWED_HEADERS.join(', ');
const EXPOSED_HEADERS =
  'x-trace-id, x-journal-truncated, x-journal-limit, x-journal-run-id, x-journal-run-resolved-by, x-journal-source, x-journal-capture-status';

/** The CORS response headers for a request (none when its origin is not allowed). */
export function corsHeaders(policy: CorsPolicy, request: HttpRequest): Record<string, string> {
  const origin = request.headers.origin;
  if (!origin) return {};
  const any = policy.allowedOrigins.includes('*');
  if (!any && !policy.allowedOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': any ? '*' : origin,
    'access-control-expose-headers': EXPOSED_HEADERS,
    ...(any ? {} : { vary: 'Origin' }),
  };
}

/** The answer to a CORS preflight (OPTIONS with Access-Control-Request-Method). */
export function preflightHeaders(policy: CorsPolicy, request: HttpRequest): Record<string, string> {
  const headers = corsHeaders(policy, request);
  if (!headers['access-control-allow-origin']) return headers;
  return {
    ...headers,
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': '600',
  };
}
