import { randomUUID } from 'node:crypto';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import { requestIdentity } from '../../local/api-gateway/request-identity.ts';

export interface ApiRequestSpec {
  readonly method?: string;
  readonly path: string;
  /** Values as strings, or arrays for repeated parameters. */
  readonly query?: Record<string, string | readonly string[]>;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** requestContext.authorizer: a Lambda authorizer's context, or a Cognito authorizer's { claims }. */
  readonly authorizer?: APIGatewayProxyEvent['requestContext']['authorizer'];
  /** Over requestContext.identity (an unsigned caller's), e.g. the userArn of an IAM principal. */
  readonly identity?: Partial<APIGatewayEventIdentity>;
}

/**
 * A REST API (payload format 1.0) proxy event as API Gateway sends it to a Lambda proxy
 * integration, with both single- and multi-value query parameters and headers.
 */
export function apiGatewayEvent(spec: ApiRequestSpec): APIGatewayProxyEvent {
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    const values = typeof value === 'string' ? [value] : [...value];
    multiValueQueryStringParameters[name] = values;
    // REST APIs put the last value of a repeated parameter in queryStringParameters.
    queryStringParameters[name] = values[values.length - 1] as string;
  }
  const body =
    spec.body === undefined ? null : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
  const headers: Record<string, string> = {
    host: 'api.example.test',
    ...(body !== null && typeof spec.body !== 'string' ? { 'content-type': 'application/json' } : {}),
    ...spec.headers,
  };
  const method = spec.method ?? 'GET';
  return {
    resource: '/{proxy+}',
    path: spec.path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: Object.keys(queryStringParameters).length > 0 ? queryStringParameters : null,
    multiValueQueryStringParameters:
      Object.keys(multiValueQueryStringParameters).length > 0 ? multiValueQueryStringParameters : null,
    pathParameters: { proxy: spec.path.replace(/^\//, '') },
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: spec.authorizer ?? null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: { ...requestIdentity('127.0.0.1', 'vitest', null), ...spec.identity },
      path: `/prod${spec.path}`,
      stage: 'prod',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'proxy',
      resourcePath: '/{proxy+}',
    },
  };
}
