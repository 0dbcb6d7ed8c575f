import { Duration } from 'aws-cdk-lib';
import {
  IdentitySource,
  LambdaIntegration,
  RequestAuthorizer,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { TemplateRestApi } from '../../local/api-gateway/start-template-rest-api.ts';
import type { InvokeOutcome } from '../../local/lambda-runtime/invoke-outcome.ts';
import { API_ID, recordingInvoke, serveTemplate, synthApi } from '../support/local-rest-api-fixtures.ts';

const ARN_PREFIX = `arn:aws:execute-api:us-east-1:000000000000:${API_ID}/v1`;

const policy = (effect: 'Allow' | 'Deny', resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
});

/** What the authorizer function answers for each token it is given. */
function authorizerAnswer(token: string): InvokeOutcome {
  const fail = (errorMessage: string): InvokeOutcome => ({
    kind: 'failed',
    error: { errorType: 'Error', errorMessage },
  });
  if (token === 'Bearer unauthorized') return fail('Unauthorized');
  if (token === 'Bearer broken') return fail('cannot reach the key server');
  const [effect, resource] =
    token === 'Bearer deny'
      ? (['Deny', `${ARN_PREFIX}/*`] as const)
      : token === 'Bearer elsewhere'
        ? (['Allow', `${ARN_PREFIX}/GET/other`] as const)
        : (['Allow', `${ARN_PREFIX}/GET/*`] as const);
  return {
    kind: 'returned',
    payload: {
      principalId: `user-${token.slice(7)}`,
      policyDocument: policy(effect, resource),
      context: { tier: 3, admin: false },
    },
  };
}

let authorizerFunction: LambdaFunction | undefined;
const { template, arnOf } = synthApi((api, fn) => {
  authorizerFunction = fn('Authorizer');
  const backend = new LambdaIntegration(fn('Backend'));
  const token = new TokenAuthorizer(api, 'Token', {
    handler: authorizerFunction,
    validationRegex: '^Bearer [a-z]+$',
    resultsCacheTtl: Duration.minutes(5),
  });
  const uncached = new TokenAuthorizer(api, 'Uncached', {
    handler: authorizerFunction,
    resultsCacheTtl: Duration.seconds(0),
  });
  const request = new RequestAuthorizer(api, 'Request', {
    handler: authorizerFunction,
    identitySources: [IdentitySource.header('X-Key'), IdentitySource.queryString('tenant')],
  });
  api.root.addResource('items').addMethod('GET', backend, { authorizer: token });
  api.root.addResource('fresh').addMethod('GET', backend, { authorizer: uncached });
  api.root.addResource('tenants').addMethod('GET', backend, { authorizer: request });
});
const authorizerArn = arnOf(authorizerFunction as LambdaFunction);

const invoke = recordingInvoke(({ functionArn, event }) => {
  if (functionArn !== authorizerArn)
    return { kind: 'returned', payload: { statusCode: 200, body: 'from backend' } };
  const token =
    event.type === 'TOKEN'
      ? String(event.authorizationToken)
      : `Bearer ${String((event.headers as Record<string, string>)['X-Key'])}`;
  return authorizerAnswer(token);
});
const authorizerCalls = () => invoke.calls.filter((call) => call.functionArn === authorizerArn);
const backendCalls = () => invoke.calls.filter((call) => call.functionArn !== authorizerArn);

let api: TemplateRestApi;

beforeAll(async () => {
  api = await serveTemplate(template, invoke);
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  invoke.calls.length = 0;
});

const get = (path: string, token?: string) =>
  fetch(`${api.stageUrl}${path}`, token === undefined ? {} : { headers: { authorization: token } });

test('an allowing policy lets the request through, with principalId and context in the event', async () => {
  const response = await get('items', 'Bearer alice');

  expect(response.status).toBe(200);
  expect(await response.text()).toBe('from backend');
  expect(authorizerCalls()[0]?.event).toEqual({
    type: 'TOKEN',
    authorizationToken: 'Bearer alice',
    methodArn: `${ARN_PREFIX}/GET/items`,
  });
  expect(backendCalls()[0]?.event).toMatchObject({
    requestContext: { authorizer: { principalId: 'user-alice', tier: '3', admin: 'false' } },
  });
});

test('an explicit Deny is 403 with the explicit-deny message', async () => {
  const response = await get('items', 'Bearer deny');

  expect(response.status).toBe(403);
  expect(await response.json()).toEqual({
    Message: 'User is not authorized to access this resource with an explicit deny',
  });
  expect(backendCalls()).toHaveLength(0);
});

test('a policy that allows only other resources is 403', async () => {
  const response = await get('items', 'Bearer elsewhere');

  expect(response.status).toBe(403);
  expect(await response.json()).toEqual({ Message: 'User is not authorized to access this resource' });
});

test('a request without the token header is 401 and the authorizer is not called', async () => {
  // /fresh's authorizer has no validation expression that would refuse the missing token by itself.
  const response = await get('fresh');

  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ message: 'Unauthorized' });
  expect(invoke.calls).toHaveLength(0);
});

test('a token that fails the validation expression is 401 and the authorizer is not called', async () => {
  const response = await get('items', 'Basic YWxpY2U6cHc=');

  expect(response.status).toBe(401);
  expect(invoke.calls).toHaveLength(0);
});

test('an authorizer failing with "Unauthorized" is 401', async () => {
  const response = await get('items', 'Bearer unauthorized');

  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ message: 'Unauthorized' });
});

test('an authorizer failing otherwise is 500 with a null message', async () => {
  const response = await get('items', 'Bearer broken');

  expect(response.status).toBe(500);
  expect(response.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException');
  expect(await response.json()).toEqual({ message: null });
});

test('a policy is cached per token for the TTL, and asked again for another token', async () => {
  await get('items', 'Bearer carol');
  await get('items', 'Bearer carol');
  await get('items', 'Bearer dave');

  expect(authorizerCalls().map(({ event }) => event.authorizationToken)).toEqual([
    'Bearer carol',
    'Bearer dave',
  ]);
  expect(backendCalls()).toHaveLength(3);
});

test('with a TTL of 0 the authorizer is asked on every request', async () => {
  await get('fresh', 'Bearer erin');
  await get('fresh', 'Bearer erin');

  expect(authorizerCalls()).toHaveLength(2);
});

test('a REQUEST authorizer gets the request and needs every identity source', async () => {
  const allowed = await fetch(`${api.stageUrl}tenants?tenant=t1`, { headers: { 'X-Key': 'frank' } });
  const missing = await fetch(`${api.stageUrl}tenants`, { headers: { 'X-Key': 'frank' } });

  expect(allowed.status).toBe(200);
  expect(missing.status).toBe(401);
  expect(authorizerCalls()).toHaveLength(1);
  expect(authorizerCalls()[0]?.event).toMatchObject({
    type: 'REQUEST',
    methodArn: `${ARN_PREFIX}/GET/tenants`,
    resource: '/tenants',
    httpMethod: 'GET',
    headers: { 'X-Key': 'frank' },
    queryStringParameters: { tenant: 't1' },
    requestContext: { stage: 'v1' },
  });
  expect(authorizerCalls()[0]?.event).not.toHaveProperty('body');
});
