/** What an API handler returns; valid for both API Gateway payload formats. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A JSON response. */
export function jsonResponse(
  statusCode: number,
  value: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** 200 with a JSON body. */
export const ok = (value: unknown, headers: Record<string, string> = {}): HttpResponse =>
  jsonResponse(200, value, headers);

/** A plain-text response (e.g. the Prometheus exposition). */
export function textResponse(statusCode: number, body: string, contentType: string): HttpResponse {
  return { statusCode, headers: { 'content-type': contentType }, body };
}
