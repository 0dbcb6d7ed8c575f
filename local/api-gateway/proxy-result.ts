import { gatewayErrors } from './gateway-error.ts';
import type { GatewayReply } from './gateway-reply.ts';

// Framing headers belong to the gateway's own connection; API Gateway sends a function's values
// for them as x-amzn-Remapped-<name>.
const REMAPPED = new Set(['connection', 'content-length', 'transfer-encoding']);

/**
 * The HTTP response a Lambda proxy result (payload 1.0, "Output format of a Lambda function for
 * proxy integration") stands for: statusCode, headers and multiValueHeaders merged ("If the same
 * key-value pair is specified in both, only the values from multiValueHeaders will appear"), the
 * body base64-decoded when isBase64Encoded. Anything else is a malformed proxy response, which API
 * Gateway answers with 502.
 */
export function replyOfProxyResult(payload: unknown): GatewayReply {
  const malformed = (why: string) =>
    gatewayErrors.integrationFailure(
      `Execution failed due to configuration error: Malformed Lambda proxy response (${why})`,
    );
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw malformed('not an object');
  const result = payload as Record<string, unknown>;
  const statusCode = typeof result.statusCode === 'string' ? Number(result.statusCode) : result.statusCode;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    throw malformed('statusCode');
  }
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string')
    throw malformed('body');
  if (result.isBase64Encoded !== undefined && typeof result.isBase64Encoded !== 'boolean') {
    throw malformed('isBase64Encoded');
  }
  const multi = objectOf(result.multiValueHeaders, malformed);
  const single = objectOf(result.headers, malformed);
  const multiNames = new Set(Object.keys(multi).map((name) => name.toLowerCase()));
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(single)) {
    if (!multiNames.has(name.toLowerCase())) headers.push([name, scalar(value, malformed)]);
  }
  for (const [name, values] of Object.entries(multi)) {
    if (!Array.isArray(values)) throw malformed(`multiValueHeaders.${name}`);
    for (const value of values) headers.push([name, scalar(value, malformed)]);
  }
  const named = headers.map(([name, value]): [string, string] => [
    REMAPPED.has(name.toLowerCase()) ? `x-amzn-Remapped-${name}` : name,
    value,
  ]);
  // With no Content-Type of the function's, API Gateway answers application/json.
  if (!named.some(([name]) => name.toLowerCase() === 'content-type'))
    named.unshift(['Content-Type', 'application/json']);
  const body = typeof result.body === 'string' ? result.body : '';
  return {
    statusCode,
    headers: named,
    body: Buffer.from(body, result.isBase64Encoded === true ? 'base64' : 'utf8'),
  };
}

function objectOf(value: unknown, malformed: (why: string) => Error): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw malformed('headers');
  return value as Record<string, unknown>;
}

function scalar(value: unknown, malformed: (why: string) => Error): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw malformed('header value');
}
