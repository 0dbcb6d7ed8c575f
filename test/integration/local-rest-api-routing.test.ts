import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { TemplateRestApi } from '../../local/api-gateway/start-template-rest-api.ts';
import {
  journalTemplate,
  methodOfRoute,
  recordingInvoke,
  serveTemplate,
  signedFetch,
  synthApi,
  withoutMethod,
} from '../support/local-rest-api-fixtures.ts';

const template = journalTemplate();
const invoke = recordingInvoke();
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

const MISSING_TOKEN = { message: 'Missing Authentication Token' };

test('a path the API does not declare is 403 Missing Authentication Token', async () => {
  const response = await signedFetch(`${api.stageUrl}api/nowhere`);

  expect(response.status).toBe(403);
  expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  expect(await response.json()).toEqual(MISSING_TOKEN);
});

test('a method the resource does not declare is 403 Missing Authentication Token', async () => {
  const response = await signedFetch(`${api.stageUrl}health`, { method: 'DELETE' });

  expect(response.status).toBe(403);
  expect(await response.json()).toEqual(MISSING_TOKEN);
  expect(invoke.calls).toHaveLength(0);
});

test('HEAD on a GET-only resource is 403, not the GET', async () => {
  const response = await fetch(`${api.stageUrl}health`, { method: 'HEAD' });

  expect(response.status).toBe(403);
  expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  expect(invoke.calls).toHaveLength(0);
});

test('a path outside the stage is 403 Forbidden', async () => {
  const [otherStage, noStage] = await Promise.all([
    fetch(`${api.url}/v2/health`),
    fetch(`${api.url}/health`),
  ]);

  expect(otherStage.status).toBe(403);
  expect(await otherStage.json()).toEqual({ message: 'Forbidden' });
  expect(noStage.status).toBe(403);
  expect(await noStage.json()).toEqual({ message: 'Forbidden' });
  expect(invoke.calls).toHaveLength(0);
});

test('a method without authorization answers an unsigned request, with an anonymous identity', async () => {
  const response = await fetch(`${api.stageUrl}health`, { headers: { 'user-agent': 'probe/1' } });

  expect(response.status).toBe(200);
  expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  expect(invoke.calls[0]?.event).toMatchObject({
    resource: '/health',
    path: '/health',
    pathParameters: null,
    requestContext: { identity: { accessKey: null, userArn: null, caller: null, userAgent: 'probe/1' } },
  });
});

test('a trailing slash reaches the same resource', async () => {
  const response = await fetch(`${api.stageUrl}health/`);

  expect(response.status).toBe(200);
  expect(invoke.calls[0]?.event).toMatchObject({ resource: '/health' });
});

test('a template without a route answers 403 for it and still serves the others', async () => {
  const variant = withoutMethod(template, methodOfRoute(template, 'GET', 'health'));
  const trimmed = await serveTemplate(variant, invoke);
  try {
    const [health, page] = await Promise.all([
      fetch(`${trimmed.stageUrl}health`),
      signedFetch(`${trimmed.stageUrl}api/journal/hive/page`),
    ]);

    expect(health.status).toBe(403);
    expect(await health.json()).toEqual(MISSING_TOKEN);
    expect(page.status).toBe(200);
  } finally {
    await trimmed.close();
  }
});

test('a {proxy+} resource takes the rest of the path, decoded, in pathParameters', async () => {
  const { template: proxied } = synthApi((restApi, fn) => {
    const files = restApi.root.addResource('files');
    files.addProxy({ defaultIntegration: new LambdaIntegration(fn('Files')) });
    files.addResource('index').addMethod('GET', new LambdaIntegration(fn('Index')));
  });
  const served = await serveTemplate(proxied, invoke);
  try {
    const [nested, literal] = await Promise.all([
      fetch(`${served.stageUrl}files/a/b%20c.txt`, { method: 'PUT', body: 'x' }),
      fetch(`${served.stageUrl}files/index`),
    ]);

    expect(nested.status).toBe(200);
    expect(literal.status).toBe(200);
    const byResource = new Map(
      invoke.calls.map(({ event, functionArn }) => [event.resource, { event, functionArn }]),
    );
    expect(byResource.get('/files/{proxy+}')?.event).toMatchObject({
      httpMethod: 'PUT',
      pathParameters: { proxy: 'a/b c.txt' },
      body: 'x',
    });
    expect(byResource.get('/files/index')?.functionArn).toMatch(/function:Index/);
  } finally {
    await served.close();
  }
});
