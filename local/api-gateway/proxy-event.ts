import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue, type IncomingApiRequest, queryParameters } from './incoming-request.ts';
import { type RequestFacts, requestTime } from './request-facts.ts';
import type { RestApiModel } from './rest-api-model.ts';
import type { RouteMatch } from './route-request.ts';

export interface ProxyEventInput {
  readonly model: RestApiModel;
  readonly request: IncomingApiRequest;
  readonly route: RouteMatch;
  readonly facts: RequestFacts;
  readonly accountId: string;
  readonly identity: APIGatewayEventIdentity;
  /**
   * principalId, integrationLatency and the context of a Lambda authorizer, or `{ claims }` of a
   * Cognito user pool authorizer; null otherwise.
   */
  readonly authorizer: Readonly<Record<string, unknown>> | null;
}

/**
 * The Lambda proxy integration input (payload format 1.0), as "Input format of a Lambda function for
 * proxy integration" describes it: `path` without the stage and `requestContext.path` with it,
 * `resource` the template's resource path, headers and query parameters single- (last value wins)
 * and multi-valued, and the body base64-encoded only for the API's binary media types.
 */
export function buildProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const { model, request, route, facts } = input;
  const { headers, multiValueHeaders } = forwardedHeaders(request, facts);
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of queryParameters(request)) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  const binary = isBinary(headerValue(request, 'content-type'), model.binaryMediaTypes);
  const stage = model.stage.name;
  return {
    resource: route.resource.path,
    path: route.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: route.pathParameters ? { ...route.pathParameters } : null,
    stageVariables: model.stage.variables ? { ...model.stage.variables } : null,
    body: request.body.length === 0 ? null : request.body.toString(binary ? 'base64' : 'utf8'),
    isBase64Encoded: binary && request.body.length > 0,
    requestContext: {
      accountId: input.accountId,
      apiId: model.apiId,
      authorizer: input.authorizer ? { ...input.authorizer } : null,
      domainName: facts.domainName,
      domainPrefix: facts.domainName.split('.')[0],
      extendedRequestId: facts.extendedRequestId,
      httpMethod: request.method,
      identity: input.identity,
      path: `/${stage}${route.path}`,
      protocol: request.protocol,
      requestId: facts.requestId,
      requestTime: requestTime(facts.receivedAt),
      requestTimeEpoch: facts.receivedAt,
      // The template's logical id stands for the generated resource id.
      resourceId: route.resource.logicalId,
      resourcePath: route.resource.path,
      stage,
    },
  };
}

// API Gateway adds the X-Forwarded-* headers of its own hop and passes a trace id on.
function forwardedHeaders(request: IncomingApiRequest, facts: RequestFacts) {
  const replaced = new Set(['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id']);
  const pairs: [string, string][] = request.rawHeaders
    .filter(([name]) => !replaced.has(name.toLowerCase()))
    .map(([name, value]) => [name, value]);
  const forwardedFor = headerValue(request, 'x-forwarded-for');
  const port = /:(\d+)$/.exec(headerValue(request, 'host') ?? '')?.[1] ?? '80';
  pairs.push(
    ['X-Amzn-Trace-Id', facts.traceId],
    ['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${facts.sourceIp}` : facts.sourceIp],
    ['X-Forwarded-Port', port],
    ['X-Forwarded-Proto', 'http'],
  );
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

/** Whether a Content-Type is one of the API's binary media types (`image/png`, `image/*`, `*\/*`). */
function isBinary(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (contentType === undefined) return false;
  const type = (contentType.split(';')[0] as string).trim().toLowerCase();
  return binaryMediaTypes.some((pattern) => {
    const [patternType, patternSubtype] = pattern.toLowerCase().split('/');
    const [actualType, actualSubtype] = type.split('/');
    return (
      (patternType === '*' || patternType === actualType) &&
      (patternSubtype === '*' || patternSubtype === actualSubtype)
    );
  });
}
