import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { STRING_FIELD_MAX_BYTES } from '../journal/row-budget.ts';
import { hasControlCharacter, unstorableTextReason, utf8Bytes } from '../journal/storable-text.ts';

/** An HTTP request as the API handlers see it, whichever API Gateway payload format carried it. */
export interface HttpRequest {
  readonly method: string;
  /** The request path without the stage prefix, e.g. /api/journal/hive/page. */
  readonly path: string;
  /** Every value of every query parameter, in order (repeats are kept: ?kind=a&kind=b). */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  readonly requestId: string;
  /**
   * Who made the request, as API Gateway vouches for it (authorizer context, token claims or the IAM
   * principal; never a header); null when nothing vouched for anyone or the value is implausible.
   */
  readonly actor: string | null;
}

/** Normalises an API Gateway event, REST (payload 1.0) or HTTP API (payload 2.0). */
export function httpRequestFrom(event: APIGatewayProxyEvent | APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const body =
    event.body === undefined || event.body === null
      ? null
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if ('version' in event && event.version === '2.0') {
    const v2 = event as APIGatewayProxyEventV2;
    return {
      method: v2.requestContext.http.method.toUpperCase(),
      path: stripStage(v2.rawPath, v2.requestContext.stage),
      query: parseRawQuery(v2.rawQueryString ?? ''),
      headers,
      body,
      requestId: v2.requestContext.requestId,
      actor: plausibleActor(firstPresent(v2.requestContext, HTTP_API_ACTOR_PATHS)),
    };
  }
  const v1 = event as APIGatewayProxyEvent;
  const query: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(v1.multiValueQueryStringParameters ?? {})) {
    if (values) query[name] = [...values];
  }
  for (const [name, value] of Object.entries(v1.queryStringParameters ?? {})) {
    if (value !== undefined && !(name in query)) query[name] = [value];
  }
  return {
    method: v1.httpMethod.toUpperCase(),
    path: v1.path,
    query,
    headers,
    body,
    requestId: v1.requestContext?.requestId ?? '',
    actor: plausibleActor(firstPresent(v1.requestContext, REST_ACTOR_PATHS)),
  };
}

/**
 * Where a REST API (payload 1.0) request context names the caller, in order: our JWT authorizer's
 * `actor` (the token subject it puts in its context), a Cognito user pool authorizer's claims (`sub`;
 * `username`, then `client_id` for machine tokens), the IAM principal of a SigV4-signed request.
 */
const REST_ACTOR_PATHS: readonly (readonly string[])[] = [
  ['authorizer', 'actor'],
  ['authorizer', 'claims', 'sub'],
  ['authorizer', 'claims', 'username'],
  ['authorizer', 'claims', 'client_id'],
  ['identity', 'userArn'],
];

/** The same for an HTTP API (payload 2.0): Lambda authorizer context, JWT authorizer claims, IAM. */
const HTTP_API_ACTOR_PATHS: readonly (readonly string[])[] = [
  ['authorizer', 'lambda', 'actor'],
  ['authorizer', 'jwt', 'claims', 'sub'],
  ['authorizer', 'iam', 'userArn'],
];

/** The first non-blank string found at one of `paths`, as given (not trimmed); null when there is none. */
function firstPresent(context: unknown, paths: readonly (readonly string[])[]): string | null {
  for (const path of paths) {
    let value: unknown = context;
    for (const key of path) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

/**
 * The actor as the journal may store it: within the journal's actor bound (row-budget.ts), free of
 * control characters and storable by PostgreSQL; else null. Never cut: a truncated principal could
 * name another one. The first source present decides, so an implausible value does not fall back to
 * a later source, which would name a different principal than the one the authorizer vouched for.
 */
function plausibleActor(value: string | null): string | null {
  if (value === null) return null;
  if (utf8Bytes(value) > STRING_FIELD_MAX_BYTES.actor) return null;
  if (hasControlCharacter(value) || unstorableTextReason(value) !== null) return null;
  return value;
}

function stripStage(path: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return path;
  const prefix = `/${stage}`;
  return path === prefix ? '/' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

/** URLSearchParams decoding (+ as space, percent-escapes); malformed escapes are kept verbatim. */
function parseRawQuery(raw: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const values = query[name] ?? [];
    values.push(value);
    query[name] = values;
  }
  return query;
}
