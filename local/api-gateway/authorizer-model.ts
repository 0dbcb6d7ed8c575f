import { type CfnTemplate, type Resolve, TemplateError } from '../template/cfn-template.ts';
import { functionArnOfUri } from './lambda-integration-uri.ts';
import type { AuthorizerModel, IdentitySource, InvokePermission } from './rest-api-model.ts';
import {
  referencedLogicalId,
  rejectUnknownProperties,
  resolveString,
  resourcesOfType,
} from './template-reading.ts';

// AuthType only labels the authorizer for OpenAPI exports.
const AUTHORIZER_PROPERTIES = new Set([
  'RestApiId',
  'Name',
  'Type',
  'AuthorizerUri',
  'IdentitySource',
  'IdentityValidationExpression',
  'AuthorizerResultTtlInSeconds',
  'AuthorizerCredentials',
  'AuthType',
  'ProviderARNs',
]);
/** "If this field is not set, the default value is 300. The maximum value is 3600" (API_Authorizer). */
const DEFAULT_TTL_SECONDS = 300;

/**
 * The Lambda (TOKEN and REQUEST) authorizers of the RestApi, by logical id. Cognito user pool
 * authorizers are left out: a method that uses one is refused where the method is read.
 */
export function readAuthorizers(
  template: CfnTemplate,
  resolve: Resolve,
  restApiLogicalId: string,
  permissionOf: (functionArn: string) => InvokePermission,
): Map<string, AuthorizerModel> {
  const authorizers = new Map<string, AuthorizerModel>();
  for (const { logicalId, properties } of resourcesOfType(template, 'AWS::ApiGateway::Authorizer')) {
    const where = `${logicalId}.Properties`;
    rejectUnknownProperties(properties, AUTHORIZER_PROPERTIES, where);
    if (referencedLogicalId(properties.RestApiId, `${where}.RestApiId`) !== restApiLogicalId) continue;
    if (properties.Type === 'COGNITO_USER_POOLS') continue;
    if (properties.Type !== 'TOKEN' && properties.Type !== 'REQUEST') {
      throw new TemplateError(`${where}.Type must be TOKEN, REQUEST or COGNITO_USER_POOLS`);
    }
    const id = resolveString(resolve, { Ref: logicalId }, `${logicalId} (Ref)`);
    const uri = resolveString(resolve, properties.AuthorizerUri, `${where}.AuthorizerUri`);
    const functionArn = functionArnOfUri(uri, `${where}.AuthorizerUri`);
    const identitySources = readIdentitySources(properties.IdentitySource, `${where}.IdentitySource`);
    const resultTtlSeconds = readTtl(
      properties.AuthorizerResultTtlInSeconds,
      `${where}.AuthorizerResultTtlInSeconds`,
    );
    if (
      properties.Type === 'TOKEN' &&
      (identitySources.length !== 1 || identitySources[0]?.kind !== 'header')
    ) {
      throw new TemplateError(
        `${where}.IdentitySource of a TOKEN authorizer must be one method.request.header.<name>`,
      );
    }
    if (resultTtlSeconds > 0 && identitySources.length === 0) {
      throw new TemplateError(`${where}.IdentitySource is required when authorizer results are cached`);
    }
    authorizers.set(logicalId, {
      logicalId,
      id,
      type: properties.Type,
      functionArn,
      identitySources,
      validationExpression: readValidation(properties, where),
      resultTtlSeconds,
      invokePermission:
        properties.AuthorizerCredentials === undefined ? permissionOf(functionArn) : { kind: 'role' },
    });
  }
  return authorizers;
}

function readIdentitySources(value: unknown, where: string): IdentitySource[] {
  if (value === undefined || value === '') return [];
  if (typeof value !== 'string') throw new TemplateError(`${where} must be a string`);
  return value.split(',').map((entry) => {
    const source = entry.trim();
    const match =
      /^(method\.request\.header|method\.request\.querystring|stageVariables|context)\.(.+)$/.exec(source);
    if (!match) throw new TemplateError(`${where}: ${source} is not an identity source`);
    const kinds = {
      'method.request.header': 'header',
      'method.request.querystring': 'querystring',
      stageVariables: 'stage-variable',
      context: 'context',
    } as const;
    return { kind: kinds[match[1] as keyof typeof kinds], name: match[2] as string };
  });
}

function readTtl(value: unknown, where: string): number {
  const ttl = value === undefined ? DEFAULT_TTL_SECONDS : Number(value);
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) throw new TemplateError(`${where} must be 0 to 3600`);
  return ttl;
}

function readValidation(properties: Readonly<Record<string, unknown>>, where: string): RegExp | null {
  const expression = properties.IdentityValidationExpression;
  if (expression === undefined) return null;
  if (properties.Type !== 'TOKEN') {
    throw new TemplateError(`${where}.IdentityValidationExpression only applies to TOKEN authorizers`);
  }
  try {
    // The token must match the whole expression, as Java's Pattern.matches does.
    return new RegExp(`^(?:${String(expression)})$`);
  } catch {
    throw new TemplateError(`${where}.IdentityValidationExpression is not a regular expression`);
  }
}
