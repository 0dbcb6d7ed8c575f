import { type Resolve, TemplateError } from '../template/cfn-template.ts';
import { functionArnOfUri } from './lambda-integration-uri.ts';
import { readMockIntegration } from './mock-integration.ts';
import type {
  ApiMethod,
  AuthorizerModel,
  InvokePermission,
  MethodAuthorization,
  MethodIntegration,
} from './rest-api-model.ts';
import {
  type NamedResource,
  referencedLogicalId,
  rejectUnknownProperties,
  resolveString,
} from './template-reading.ts';

// OperationName names the method for SDK generation; RequestModels and RequestParameters only
// declare what a request validator would check (and RequestValidatorId, which enables one, is
// refused); AuthorizationScopes "are used with a COGNITO_USER_POOLS authorizer" (API_Method) and
// mean nothing to the other authorization types.
const METHOD_PROPERTIES = new Set([
  'RestApiId',
  'ResourceId',
  'HttpMethod',
  'AuthorizationType',
  'AuthorizerId',
  'AuthorizationScopes',
  'Integration',
  'MethodResponses',
  'OperationName',
  'ApiKeyRequired',
  'RequestParameters',
  'RequestModels',
]);
// PassthroughBehavior and the cache keys do nothing for a Lambda proxy integration without a cache.
const LAMBDA_PROXY_PROPERTIES = new Set([
  'Type',
  'Uri',
  'IntegrationHttpMethod',
  'TimeoutInMillis',
  'Credentials',
  'PassthroughBehavior',
  'CacheKeyParameters',
  'CacheNamespace',
  'ConnectionType',
]);
const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
/** API Gateway's default integration timeout ("Amazon API Gateway quotas": 50 ms to 29 s). */
const DEFAULT_TIMEOUT_MS = 29_000;

export interface MethodContext {
  readonly resolve: Resolve;
  /** The API's AWS::ApiGateway::Authorizer resources, by logical id. */
  readonly authorizers: ReadonlyMap<string, Pick<AuthorizerModel, 'id' | 'type'>>;
  readonly permissionOf: (functionArn: string) => InvokePermission;
}

/** One AWS::ApiGateway::Method, checked against what the local gateway emulates. */
export function readMethod({ logicalId, properties }: NamedResource, context: MethodContext): ApiMethod {
  const where = `${logicalId}.Properties`;
  rejectUnknownProperties(properties, METHOD_PROPERTIES, where);
  if (properties.ApiKeyRequired === true) {
    throw new TemplateError(`${where}.ApiKeyRequired: API keys and usage plans are not emulated locally`);
  }
  const httpMethod = String(properties.HttpMethod ?? '').toUpperCase();
  if (!HTTP_METHODS.has(httpMethod))
    throw new TemplateError(`${where}.HttpMethod is not an HTTP method: ${httpMethod}`);
  return {
    logicalId,
    httpMethod,
    authorization: readAuthorization(properties, context, where),
    integration: readIntegration(properties, context, where),
  };
}

function readAuthorization(
  properties: Readonly<Record<string, unknown>>,
  context: MethodContext,
  where: string,
): MethodAuthorization {
  const type = properties.AuthorizationType ?? 'NONE';
  if (type === 'NONE') return { kind: 'none' };
  if (type === 'AWS_IAM') return { kind: 'iam' };
  if (type !== 'CUSTOM' && type !== 'COGNITO_USER_POOLS')
    throw new TemplateError(`${where}.AuthorizationType is not supported: ${String(type)}`);
  const logicalId = referencedLogicalId(properties.AuthorizerId, `${where}.AuthorizerId`);
  const authorizer = context.authorizers.get(logicalId);
  if (authorizer === undefined) {
    throw new TemplateError(
      `${where}.AuthorizerId names ${logicalId}, which is not an authorizer of this API`,
    );
  }
  // API Gateway pairs CUSTOM with a Lambda authorizer and COGNITO_USER_POOLS with a pool authorizer.
  if ((type === 'COGNITO_USER_POOLS') !== (authorizer.type === 'COGNITO_USER_POOLS')) {
    throw new TemplateError(
      `${where}.AuthorizationType ${type} does not match ${logicalId}, a ${authorizer.type} authorizer`,
    );
  }
  if (type === 'CUSTOM') return { kind: 'custom', authorizerId: authorizer.id };
  return {
    kind: 'cognito',
    authorizerId: authorizer.id,
    scopes: readScopes(context.resolve, properties.AuthorizationScopes, `${where}.AuthorizationScopes`),
  };
}

function readScopes(resolve: Resolve, value: unknown, where: string): string[] {
  if (value === undefined) return [];
  const scopes = resolve(value, where);
  if (!Array.isArray(scopes)) throw new TemplateError(`${where} must be a list`);
  return scopes.map((scope, i) => resolveString(resolve, scope, `${where}[${i}]`));
}

function readIntegration(
  properties: Readonly<Record<string, unknown>>,
  context: MethodContext,
  where: string,
): MethodIntegration {
  const integration = properties.Integration as Record<string, unknown> | undefined;
  const at = `${where}.Integration`;
  if (typeof integration !== 'object' || integration === null) throw new TemplateError(`${at} is missing`);
  if (integration.Type === 'MOCK') return readMockIntegration(integration, properties.MethodResponses, at);
  if (integration.Type !== 'AWS_PROXY') {
    throw new TemplateError(
      `${at}.Type ${String(integration.Type)} is not emulated locally (only AWS_PROXY to Lambda and MOCK)`,
    );
  }
  rejectUnknownProperties(integration, LAMBDA_PROXY_PROPERTIES, at);
  if (integration.IntegrationHttpMethod !== 'POST') {
    throw new TemplateError(`${at}.IntegrationHttpMethod must be POST for a Lambda integration`);
  }
  if (integration.ConnectionType !== undefined && integration.ConnectionType !== 'INTERNET') {
    throw new TemplateError(
      `${at}.ConnectionType ${String(integration.ConnectionType)} is not emulated locally`,
    );
  }
  const timeoutMs =
    integration.TimeoutInMillis === undefined ? DEFAULT_TIMEOUT_MS : Number(integration.TimeoutInMillis);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 50) {
    throw new TemplateError(`${at}.TimeoutInMillis must be an integer of at least 50`);
  }
  const functionArn = functionArnOfUri(
    resolveString(context.resolve, integration.Uri, `${at}.Uri`),
    `${at}.Uri`,
  );
  return {
    kind: 'lambda-proxy',
    functionArn,
    timeoutMs,
    invokePermission:
      integration.Credentials === undefined ? context.permissionOf(functionArn) : { kind: 'role' },
  };
}
