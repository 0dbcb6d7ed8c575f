import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { type CfnTemplate, type Resolve, TemplateError } from '../template/cfn-template.ts';
import { functionArnOfUri } from './lambda-integration-uri.ts';
import type {
  AuthorizerModel,
  CognitoAuthorizerModel,
  IdentitySource,
  InvokePermission,
} from './rest-api-model.ts';
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
 * "You can use up to 1,000 user pools for one COGNITO_USER_POOLS authorizer" (Integrate a REST API
 * with an Amazon Cognito user pool).
 */
const MAX_USER_POOLS = 1000;
const USER_POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):(\d{12}):userpool\/(.+)$/;

/** The authorizers of the RestApi (Lambda TOKEN and REQUEST, Cognito user pools), by logical id. */
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
    const id = resolveString(resolve, { Ref: logicalId }, `${logicalId} (Ref)`);
    if (properties.Type === 'COGNITO_USER_POOLS') {
      authorizers.set(logicalId, readCognitoAuthorizer(logicalId, id, properties, resolve));
      continue;
    }
    if (properties.Type !== 'TOKEN' && properties.Type !== 'REQUEST') {
      throw new TemplateError(`${where}.Type must be TOKEN, REQUEST or COGNITO_USER_POOLS`);
    }
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

/**
 * A COGNITO_USER_POOLS authorizer: its pools (ProviderARNs,
 * `arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>`) and the one header that carries the
 * token ("For a TOKEN or COGNITO_USER_POOLS authorizer, this is required and specifies the request
 * header mapping expression", API_CreateAuthorizer identitySource).
 */
function readCognitoAuthorizer(
  logicalId: string,
  id: string,
  properties: Readonly<Record<string, unknown>>,
  resolve: Resolve,
): CognitoAuthorizerModel {
  const where = `${logicalId}.Properties`;
  for (const name of ['AuthorizerUri', 'AuthorizerCredentials']) {
    if (properties[name] !== undefined) {
      throw new TemplateError(`${where}.${name} does not apply to a COGNITO_USER_POOLS authorizer`);
    }
  }
  if (properties.IdentityValidationExpression !== undefined) {
    throw new TemplateError(
      `${where}.IdentityValidationExpression (matched against the ID token's aud) is not emulated locally`,
    );
  }
  const sources = readIdentitySources(properties.IdentitySource, `${where}.IdentitySource`);
  const [source] = sources;
  if (sources.length !== 1 || source?.kind !== 'header') {
    throw new TemplateError(
      `${where}.IdentitySource of a COGNITO_USER_POOLS authorizer must be one method.request.header.<name>`,
    );
  }
  return {
    logicalId,
    id,
    type: 'COGNITO_USER_POOLS',
    userPoolIds: readUserPoolIds(resolve, properties.ProviderARNs, `${where}.ProviderARNs`),
    tokenHeader: source.name,
    resultTtlSeconds: readTtl(
      properties.AuthorizerResultTtlInSeconds,
      `${where}.AuthorizerResultTtlInSeconds`,
    ),
  };
}

function readUserPoolIds(resolve: Resolve, value: unknown, where: string): string[] {
  const arns = resolve(value, where);
  if (!Array.isArray(arns) || arns.length === 0 || arns.length > MAX_USER_POOLS) {
    throw new TemplateError(`${where} must list 1 to ${MAX_USER_POOLS} user pool ARNs`);
  }
  return arns.map((entry, i) => {
    const arn = resolveString(resolve, entry, `${where}[${i}]`);
    if (arn.includes('${stageVariables.')) {
      throw new TemplateError(
        `${where}[${i}]: a user pool named by a stage variable is not emulated locally`,
      );
    }
    const match = USER_POOL_ARN.exec(arn);
    const [, region, , poolId] = match ?? [];
    if (region === undefined || poolId === undefined) {
      throw new TemplateError(
        `${where}[${i}] is not a user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<id>): ${arn}`,
      );
    }
    try {
      CognitoJwtVerifier.parseUserPoolId(poolId);
    } catch {
      throw new TemplateError(`${where}[${i}]: ${poolId} is not a user pool id (<region>_<id>)`);
    }
    // A pool id starts with its region: an ARN that disagrees names no pool.
    if (!poolId.startsWith(`${region}_`)) {
      throw new TemplateError(`${where}[${i}]: user pool ${poolId} is not in ${region}`);
    }
    return poolId;
  });
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
