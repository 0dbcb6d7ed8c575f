import { App } from 'aws-cdk-lib';
import { CognitoUserPoolsAuthorizer, LambdaIntegration, ResponseType } from 'aws-cdk-lib/aws-apigateway';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TemplateRestApi } from '../../local/api-gateway/start-template-rest-api.ts';
import { createLocalUserPool, type LocalUserPool } from '../../local/cognito/local-user-pool.ts';
import type { CfnTemplate } from '../../local/template/cfn-template.ts';
import { journalInStack } from '../infra/journal-synth.ts';
import { recordingInvoke, serveTemplate, synthApi } from '../support/local-rest-api-fixtures.ts';

const POOL_ID = 'us-east-1_AbC123';
const CLIENT_ID = 'hiveuiclient0001';
const JAVA_DATE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/;

let backendFunction: LambdaFunction | undefined;
const { template, arnOf } = synthApi((api, fn) => {
  backendFunction = fn('Backend');
  const backend = new LambdaIntegration(backendFunction);
  const authorizer = new CognitoUserPoolsAuthorizer(api, 'Users', {
    cognitoUserPools: [UserPool.fromUserPoolId(api, 'Pool', POOL_ID)],
  });
  api.root
    .addResource('items')
    .addMethod('GET', backend, { authorizer, authorizationScopes: ['journal/read', 'journal/admin'] });
  api.root.addResource('profile').addMethod('GET', backend, { authorizer });
  api.addGatewayResponse('Cors4xx', {
    type: ResponseType.DEFAULT_4XX,
    responseHeaders: { 'Access-Control-Allow-Origin': 'method.request.header.Origin', Vary: "'Origin'" },
  });
});
const backendArn = arnOf(backendFunction as LambdaFunction);

const invoke = recordingInvoke();
let api: TemplateRestApi;
let pool: LocalUserPool;

beforeAll(async () => {
  api = await serveTemplate(template, invoke);
  pool = api.userPools.pool(POOL_ID);
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  invoke.calls.length = 0;
});

const get = (path: string, authorization?: string, headers: Record<string, string> = {}) =>
  fetch(`${api.stageUrl}${path}`, {
    headers: authorization === undefined ? headers : { ...headers, authorization },
  });
const accessToken = (scope: string[], extra: Partial<Parameters<LocalUserPool['mintAccessToken']>[0]> = {}) =>
  pool.mintAccessToken({ sub: 'a1b2-user', scope, clientId: CLIENT_ID, ...extra });
const idToken = (extra: Partial<Parameters<LocalUserPool['mintIdToken']>[0]> = {}) =>
  pool.mintIdToken({ sub: 'a1b2-user', audience: CLIENT_ID, email: 'ada@example.com', ...extra });
const claimsOfCall = (index = 0) =>
  (invoke.calls[index]?.event.requestContext as { authorizer?: { claims?: Record<string, string> } })
    ?.authorizer?.claims;

async function expectUnauthorized(response: Response, message = 'Unauthorized'): Promise<void> {
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ message });
  expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
  expect(invoke.calls).toHaveLength(0);
}

describe('a method with AuthorizationScopes takes an access token with one of them', () => {
  test('a token with one of the scopes reaches the integration, its claims as strings', async () => {
    const token = await accessToken(['journal/admin', 'other/scope'], { groups: ['admin', 'operator'] });

    const response = await get('items', token);

    expect(response.status).toBe(200);
    expect(invoke.calls[0]?.functionArn).toBe(backendArn);
    const claims = claimsOfCall();
    expect(claims).toMatchObject({
      sub: 'a1b2-user',
      token_use: 'access',
      scope: 'journal/admin other/scope',
      client_id: CLIENT_ID,
      username: 'a1b2-user',
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`,
      'cognito:groups': 'admin,operator',
      version: '2',
    });
    expect(claims?.exp).toMatch(JAVA_DATE);
    expect(claims?.iat).toMatch(JAVA_DATE);
    expect(claims?.auth_time).toMatch(/^\d{10}$/);
    const context = invoke.calls[0]?.event.requestContext as { authorizer?: object } | undefined;
    expect(Object.keys(context?.authorizer ?? {})).toEqual(['claims']);
  });

  test('the token may follow "Bearer " in the header', async () => {
    const response = await get('items', `Bearer ${await accessToken(['journal/read'])}`);

    expect(response.status).toBe(200);
    expect(claimsOfCall()?.sub).toBe('a1b2-user');
  });

  test('a token with none of the scopes is 401 Unauthorized', async () => {
    await expectUnauthorized(await get('items', await accessToken(['journal/write'])));
  });

  test('an ID token is 401 Unauthorized', async () => {
    await expectUnauthorized(await get('items', await idToken()));
  });
});

describe('a method without AuthorizationScopes takes an ID token', () => {
  test('an ID token reaches the integration with its claims', async () => {
    const response = await get('profile', await idToken({ groups: ['admin'] }));

    expect(response.status).toBe(200);
    expect(claimsOfCall()).toMatchObject({
      sub: 'a1b2-user',
      token_use: 'id',
      aud: CLIENT_ID,
      'cognito:username': 'a1b2-user',
      email: 'ada@example.com',
      email_verified: 'true',
      'cognito:groups': 'admin',
    });
  });

  test('an access token is 401 Unauthorized', async () => {
    await expectUnauthorized(await get('profile', await accessToken(['journal/read'])));
  });
});

describe('a token API Gateway cannot trust is 401', () => {
  test('no token header', async () => {
    await expectUnauthorized(await get('profile'));
  });

  test('an expired token, with the message saying so', async () => {
    const expired = await idToken({ issuedAt: Math.floor(Date.now() / 1000) - 7200 });

    await expectUnauthorized(await get('profile', expired), 'The incoming token has expired');
  });

  test('a token whose claims were changed after signing', async () => {
    const [header, , signature] = (await accessToken(['journal/write'])).split('.');
    const [, payload] = (await accessToken(['journal/read'])).split('.');
    const forged = `${header}.${payload}.${signature}`;

    await expectUnauthorized(await get('items', forged));
  });

  test("a token signed with a key that is not the pool's", async () => {
    const impostor = await createLocalUserPool(POOL_ID);
    const token = await impostor.mintAccessToken({ sub: 'x', scope: ['journal/read'], clientId: CLIENT_ID });

    await expectUnauthorized(await get('items', token));
  });

  test('a token of a pool the authorizer does not name', async () => {
    const other = await createLocalUserPool('us-east-1_Other9');
    const token = await other.mintIdToken({ sub: 'x', audience: CLIENT_ID });

    await expectUnauthorized(await get('profile', token));
  });

  test('an unsigned token (alg none)', async () => {
    const [, payload] = (await idToken()).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: pool.jwks.keys[0]?.kid })).toString(
      'base64url',
    );

    await expectUnauthorized(await get('profile', `${header}.${payload}.`));
  });

  test('something that is not a JWT', async () => {
    await expectUnauthorized(await get('profile', 'not-a-token'));
  });
});

test("the DEFAULT_4XX gateway response's headers go out with a Cognito 401", async () => {
  const response = await get('items', await idToken(), { Origin: 'http://localhost:5173' });

  expect(response.status).toBe(401);
  expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  expect(response.headers.get('vary')).toBe('Origin');
});

describe('the journal API synthesized with auth=cognito', () => {
  const READER_ORIGIN = 'http://localhost:5173';
  let journal: TemplateRestApi;
  const journalInvoke = recordingInvoke();

  beforeAll(async () => {
    const { stack } = journalInStack((host) => ({
      api: {
        corsOrigins: [READER_ORIGIN],
        authorization: {
          kind: 'cognito',
          userPools: [UserPool.fromUserPoolId(host, 'Users', POOL_ID)],
          readScopes: ['journal/read'],
          writeScopes: ['journal/write'],
        },
      },
    }));
    const synthesized = App.of(stack)?.synth().getStackByName(stack.stackName).template as CfnTemplate;
    journal = await serveTemplate(synthesized, journalInvoke);
  });

  afterAll(async () => {
    await journal.close();
  });

  test('a read-scoped access token reads the hive page, its sub reaching the function', async () => {
    const token = await journal.userPools
      .pool(POOL_ID)
      .mintAccessToken({ sub: '7d3f-reader', scope: ['journal/read'], clientId: CLIENT_ID });

    const response = await fetch(`${journal.stageUrl}api/journal/hive/page`, {
      headers: { authorization: token },
    });

    expect(response.status).toBe(200);
    expect(journalInvoke.calls.at(-1)?.event.requestContext).toMatchObject({
      authorizer: { claims: { sub: '7d3f-reader', scope: 'journal/read' } },
    });
  });

  test('the same token may not pin a run: 401 with the CORS headers of DEFAULT_4XX', async () => {
    const calls = journalInvoke.calls.length;
    const token = await journal.userPools
      .pool(POOL_ID)
      .mintAccessToken({ sub: '7d3f-reader', scope: ['journal/read'], clientId: CLIENT_ID });

    const response = await fetch(`${journal.stageUrl}api/swarms/s1/journal/pin`, {
      method: 'POST',
      headers: { authorization: token, origin: READER_ORIGIN, 'content-type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('access-control-allow-origin')).toBe(READER_ORIGIN);
    expect(journalInvoke.calls).toHaveLength(calls);
  });
});
