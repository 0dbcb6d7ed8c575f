import { Duration } from 'aws-cdk-lib';
import { CognitoUserPoolsAuthorizer, LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { describe, expect, test } from 'vitest';
import { buildRestApiModel } from '../../local/api-gateway/build-rest-api-model.ts';
import type { CfnTemplate } from '../../local/template/cfn-template.ts';
import { standInResolve, synthApi } from '../support/local-rest-api-fixtures.ts';

const build = (template: CfnTemplate) => buildRestApiModel(template, standInResolve(template));

/** GET /items behind a Cognito authorizer of two pools, scoped journal/read. */
const { template } = synthApi((api, fn) => {
  const authorizer = new CognitoUserPoolsAuthorizer(api, 'Users', {
    cognitoUserPools: [
      UserPool.fromUserPoolId(api, 'Staff', 'us-east-1_Staff1'),
      UserPool.fromUserPoolId(api, 'Partners', 'us-east-1_Partner2'),
    ],
    resultsCacheTtl: Duration.minutes(1),
  });
  api.root.addResource('items').addMethod('GET', new LambdaIntegration(fn('Items')), {
    authorizer,
    authorizationScopes: ['journal/read'],
  });
});

const logicalIdOfType = (type: string) =>
  Object.entries(template.Resources).find(([, resource]) => resource.Type === type)?.[0] as string;
const AUTHORIZER = logicalIdOfType('AWS::ApiGateway::Authorizer');
const METHOD = logicalIdOfType('AWS::ApiGateway::Method');

/** The template with one resource's properties changed (a value `undefined` removes the property). */
function withProperties(logicalId: string, change: Record<string, unknown>): CfnTemplate {
  const resource = template.Resources[logicalId] as CfnTemplate['Resources'][string];
  const properties = Object.fromEntries(
    Object.entries({ ...resource?.Properties, ...change }).filter(([, value]) => value !== undefined),
  );
  return {
    ...template,
    Resources: { ...template.Resources, [logicalId]: { ...resource, Properties: properties } },
  };
}

test('a Cognito authorizer is read with its pools, token header and TTL, and the method with its scopes', () => {
  const model = build(template);

  const [authorizer] = [...model.authorizers.values()];
  expect(authorizer).toEqual({
    logicalId: AUTHORIZER,
    id: expect.any(String),
    type: 'COGNITO_USER_POOLS',
    userPoolIds: ['us-east-1_Staff1', 'us-east-1_Partner2'],
    tokenHeader: 'Authorization',
    resultTtlSeconds: 60,
  });
  const items = model.root.children.find((child) => child.path === '/items');
  expect(items?.methods.get('GET')?.authorization).toEqual({
    kind: 'cognito',
    authorizerId: authorizer?.id,
    scopes: ['journal/read'],
  });
});

describe('a Cognito authorizer the local gateway would serve differently is refused, naming what', () => {
  test('without IdentitySource, which API Gateway requires of it', () => {
    expect(() => build(withProperties(AUTHORIZER, { IdentitySource: undefined }))).toThrow(
      `${AUTHORIZER}.Properties.IdentitySource of a COGNITO_USER_POOLS authorizer must be one method.request.header.<name>`,
    );
  });

  test('with IdentityValidationExpression', () => {
    expect(() => build(withProperties(AUTHORIZER, { IdentityValidationExpression: '^abc$' }))).toThrow(
      `${AUTHORIZER}.Properties.IdentityValidationExpression (matched against the ID token's aud) is not emulated locally`,
    );
  });

  test('with a pool named by a stage variable', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: API Gateway's own stage-variable syntax
    const arn = 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/${stageVariables.pool}';

    expect(() => build(withProperties(AUTHORIZER, { ProviderARNs: [arn] }))).toThrow(
      `${AUTHORIZER}.Properties.ProviderARNs[0]: a user pool named by a stage variable is not emulated locally`,
    );
  });

  test("with a pool ARN whose region is not the pool id's", () => {
    const arn = 'arn:aws:cognito-idp:eu-west-1:000000000000:userpool/us-east-1_Staff1';

    expect(() => build(withProperties(AUTHORIZER, { ProviderARNs: [arn] }))).toThrow(
      `${AUTHORIZER}.Properties.ProviderARNs[0]: user pool us-east-1_Staff1 is not in eu-west-1`,
    );
  });

  test('used by a CUSTOM method', () => {
    expect(() => build(withProperties(METHOD, { AuthorizationType: 'CUSTOM' }))).toThrow(
      `${METHOD}.Properties.AuthorizationType CUSTOM does not match ${AUTHORIZER}, a COGNITO_USER_POOLS authorizer`,
    );
  });
});
