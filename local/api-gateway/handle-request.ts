import type { InvokeFunction } from '../lambda-runtime/invoke-outcome.ts';
import type { CognitoAuthorizer } from './cognito-authorizer.ts';
import { GatewayError, gatewayErrors } from './gateway-error.ts';
import { replyOfGatewayError } from './gateway-error-reply.ts';
import type { GatewayReply } from './gateway-reply.ts';
import type { TemplateContext } from './gateway-response-template.ts';
import { headerValue, type IncomingApiRequest, queryParameters } from './incoming-request.ts';
import type { LambdaAuthorizer } from './lambda-authorizer.ts';
import { callLambdaProxy } from './lambda-proxy-integration.ts';
import { mockReply } from './mock-integration.ts';
import { buildProxyEvent } from './proxy-event.ts';
import { type RequestFacts, requestFacts, requestTime } from './request-facts.ts';
import { type IamCaller, requestIdentity } from './request-identity.ts';
import type {
  CognitoAuthorizerModel,
  IdentitySource,
  LambdaAuthorizerModel,
  RestApiModel,
} from './rest-api-model.ts';
import { type RouteMatch, routeRequest } from './route-request.ts';
import type { StageThrottle } from './stage-throttle.ts';
import type { SigV4Verifier } from './verify-sigv4.ts';

/** What the gateway needs to answer requests. */
export interface GatewayRuntime {
  readonly model: RestApiModel;
  readonly invoke: InvokeFunction;
  readonly region: string;
  readonly accountId: string;
  /** null when IAM authorization is not enforced. */
  readonly verifyIam: SigV4Verifier | null;
  readonly authorize: LambdaAuthorizer;
  readonly authorizeCognito: CognitoAuthorizer;
  readonly throttle: StageThrottle;
  readonly log: (line: string) => void;
  readonly now: () => number;
}

/**
 * Answers one request as API Gateway's REST API does: payload size, routing in the stage, method
 * throttling, authorization (IAM, Lambda authorizer, Cognito user pool or none), then the
 * integration (Lambda proxy or MOCK); whatever API Gateway answers itself goes out as its gateway
 * response.
 */
export async function handleRequest(
  runtime: GatewayRuntime,
  request: IncomingApiRequest,
  tooLarge: boolean,
): Promise<GatewayReply> {
  const now = runtime.now();
  const facts = requestFacts(request, now);
  let route: RouteMatch | null = null;
  let principalId: string | null = null;
  try {
    if (tooLarge) throw gatewayErrors.requestTooLarge();
    route = routeRequest(runtime.model, request.method, request.rawPath);
    if (!runtime.throttle(route.method.httpMethod, route.resource.path, now)) throw gatewayErrors.throttled();
    const matched = route;
    const methodArn = methodArnOf(runtime, request.method, matched.path);
    const { authorization, integration } = matched.method;
    let caller: IamCaller | null = null;
    let authorizer: Readonly<Record<string, unknown>> | null = null;
    if (authorization.kind === 'iam' && runtime.verifyIam) caller = await runtime.verifyIam(request, now);
    const eventOf = () =>
      buildProxyEvent({
        model: runtime.model,
        request,
        route: matched,
        facts,
        accountId: runtime.accountId,
        identity: requestIdentity(facts.sourceIp, facts.userAgent, caller),
        authorizer,
      });
    if (authorization.kind === 'custom') {
      const model = runtime.model.authorizers.get(authorization.authorizerId) as LambdaAuthorizerModel;
      const decision = await runtime.authorize({
        authorizer: model,
        methodArn,
        identityValues: model.identitySources.map((source) =>
          identityValue(source, request, runtime.model, facts),
        ),
        requestEvent: () => {
          const { body: _body, isBase64Encoded: _encoded, ...event } = eventOf();
          return event;
        },
        now,
      });
      authorizer = decision;
      principalId = String(decision.principalId);
    }
    if (authorization.kind === 'cognito') {
      const model = runtime.model.authorizers.get(authorization.authorizerId) as CognitoAuthorizerModel;
      authorizer = runtime.authorizeCognito({
        authorizer: model,
        scopes: authorization.scopes,
        token: headerValue(request, model.tokenHeader),
      });
    }
    const reply =
      integration.kind === 'mock'
        ? mockReply(integration, request.rawHeaders)
        : await callLambdaProxy(integration, methodArn, eventOf(), runtime.invoke);
    return withRequestHeaders(reply, facts);
  } catch (thrown) {
    const error = thrown instanceof GatewayError ? thrown : unexpected(thrown);
    if (error.logLine) runtime.log(`API Gateway (${facts.requestId}): ${error.logLine}`);
    const reply = replyOfGatewayError({
      model: runtime.model,
      error,
      request,
      pathParameters: route?.pathParameters ?? null,
      context: templateContext(runtime, request, route, facts, principalId),
    });
    return withRequestHeaders(reply, facts);
  }
}

// execute-api ARNs name the request's own path: arn:aws:execute-api:region:account:api/stage/GET/a/b.
function methodArnOf(runtime: GatewayRuntime, httpMethod: string, path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const { region, accountId, model } = runtime;
  return `arn:aws:execute-api:${region}:${accountId}:${model.apiId}/${model.stage.name}/${httpMethod}${trimmed}`;
}

function identityValue(
  source: IdentitySource,
  request: IncomingApiRequest,
  model: RestApiModel,
  facts: RequestFacts,
): string | undefined {
  if (source.kind === 'header') return headerValue(request, source.name);
  if (source.kind === 'querystring')
    return queryParameters(request).findLast(([name]) => name === source.name)?.[1];
  if (source.kind === 'stage-variable') return model.stage.variables?.[source.name];
  const context: Record<string, string | null> = {
    requestId: facts.requestId,
    httpMethod: request.method,
    stage: model.stage.name,
    apiId: model.apiId,
    'identity.sourceIp': facts.sourceIp,
    'identity.userAgent': facts.userAgent,
  };
  return context[source.name] ?? undefined;
}

function templateContext(
  runtime: GatewayRuntime,
  request: IncomingApiRequest,
  route: RouteMatch | null,
  facts: RequestFacts,
  principalId: string | null,
): TemplateContext {
  const { model } = runtime;
  return {
    'context.requestId': facts.requestId,
    'context.extendedRequestId': facts.extendedRequestId,
    'context.apiId': model.apiId,
    'context.stage': model.stage.name,
    'context.httpMethod': request.method,
    'context.resourcePath': route?.resource.path ?? null,
    'context.path': request.rawPath,
    'context.domainName': facts.domainName,
    'context.requestTime': requestTime(facts.receivedAt),
    'context.requestTimeEpoch': String(facts.receivedAt),
    'context.identity.sourceIp': facts.sourceIp,
    'context.identity.userAgent': facts.userAgent,
    'context.authorizer.principalId': principalId,
  };
}

function unexpected(cause: unknown): GatewayError {
  return gatewayErrors.configurationError(
    `Execution failed: ${cause instanceof Error ? cause.stack : String(cause)}`,
  );
}

// Every API Gateway answer carries its request ids and trace header.
function withRequestHeaders(reply: GatewayReply, facts: RequestFacts): GatewayReply {
  const present = new Set(reply.headers.map(([name]) => name.toLowerCase()));
  const added: [string, string][] = [
    ['x-amzn-RequestId', facts.requestId],
    ['x-amz-apigw-id', facts.extendedRequestId],
    ['X-Amzn-Trace-Id', facts.traceId],
  ];
  return {
    ...reply,
    headers: [...reply.headers, ...added.filter(([name]) => !present.has(name.toLowerCase()))],
  };
}
