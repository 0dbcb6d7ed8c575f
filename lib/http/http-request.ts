import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

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
  };
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
