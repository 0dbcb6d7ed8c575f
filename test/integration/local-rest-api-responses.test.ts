import { Duration } from 'aws-cdk-lib';
import { LambdaIntegration, ResponseType } from 'aws-cdk-lib/aws-apigateway';
import { afterEach, expect, test } from 'vitest';
import type { TemplateRestApi } from '../../local/api-gateway/start-template-rest-api.ts';
import type { CfnTemplate } from '../../local/template/cfn-template.ts';
import {
  journalTemplate,
  recordingInvoke,
  serveTemplate,
  signedFetch,
  synthApi,
} from '../support/local-rest-api-fixtures.ts';

const served: TemplateRestApi[] = [];
const releases: (() => void)[] = [];

afterEach(async () => {
  for (const release of releases.splice(0)) release();
  for (const api of served.splice(0)) await api.close();
});

async function serve(
  template: CfnTemplate,
  invoke = recordingInvoke(),
  log?: (line: string) => void,
): Promise<TemplateRestApi> {
  const api = await serveTemplate(template, invoke, log ? { log } : {});
  served.push(api);
  return api;
}

/** An API with one unauthenticated GET /items on a function. */
function itemsApi(options: { timeout?: Duration; throttle?: { rate: number; burst: number } } = {}) {
  return synthApi(
    (api, fn) => {
      api.root
        .addResource('items')
        .addMethod(
          'GET',
          new LambdaIntegration(fn('Items'), options.timeout ? { timeout: options.timeout } : {}),
        );
    },
    options.throttle
      ? {
          deployOptions: {
            stageName: 'v1',
            methodOptions: {
              '/items/GET': {
                throttlingRateLimit: options.throttle.rate,
                throttlingBurstLimit: options.throttle.burst,
              },
            },
          },
        }
      : {},
  ).template;
}

test('a CORS preflight is answered by the MOCK integration CDK generates, echoing an allowed origin', async () => {
  const api = await serve(
    journalTemplate({ corsOrigins: ['http://localhost:5173', 'http://localhost:3000'] }),
  );
  const preflight = (origin: string) =>
    fetch(`${api.stageUrl}api/journal/hive/page`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
    });

  const [second, first, other] = await Promise.all([
    preflight('http://localhost:3000'),
    preflight('http://localhost:5173'),
    preflight('http://evil.example'),
  ]);

  expect(second.status).toBe(204);
  expect(second.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  expect(second.headers.get('access-control-allow-methods')).toBe('GET,POST,DELETE,OPTIONS');
  expect(second.headers.get('access-control-max-age')).toBe('600');
  expect(second.headers.get('vary')).toBe('Origin');
  expect(first.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  // CDK's template only echoes listed origins: anything else gets the first one, which the browser refuses.
  expect(other.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
});

test('a DEFAULT_4XX GatewayResponse puts its CORS headers on a 403', async () => {
  const { template } = synthApi((api, fn) => {
    api.root.addResource('items').addMethod('GET', new LambdaIntegration(fn('Items')));
    api.addGatewayResponse('Cors4xx', {
      type: ResponseType.DEFAULT_4XX,
      responseHeaders: {
        'Access-Control-Allow-Origin': 'method.request.header.Origin',
        'Access-Control-Allow-Credentials': "'true'",
      },
    });
  });
  const api = await serve(template);

  const response = await fetch(`${api.stageUrl}nowhere`, { headers: { Origin: 'http://localhost:5173' } });

  expect(response.status).toBe(403);
  expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
});

test("a GatewayResponse of the error's own type overrides status and body, and DEFAULT_4XX", async () => {
  const { template } = synthApi((api, fn) => {
    api.root.addResource('items').addMethod('GET', new LambdaIntegration(fn('Items')));
    api.addGatewayResponse('Cors4xx', {
      type: ResponseType.DEFAULT_4XX,
      responseHeaders: { 'Access-Control-Allow-Origin': "'*'" },
    });
    api.addGatewayResponse('NotFound', {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      templates: {
        'application/json': '{"error":$context.error.messageString,"type":"$context.error.responseType"}',
      },
    });
  });
  const api = await serve(template);

  const response = await fetch(`${api.stageUrl}nowhere`);

  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({
    error: 'Missing Authentication Token',
    type: 'MISSING_AUTHENTICATION_TOKEN',
  });
  expect(response.headers.get('access-control-allow-origin')).toBeNull();
});

test('a method past its throttle burst is 429 Too Many Requests', async () => {
  const api = await serve(itemsApi({ throttle: { rate: 0.001, burst: 2 } }));

  const statuses: number[] = [];
  for (let i = 0; i < 3; i += 1) statuses.push((await fetch(`${api.stageUrl}items`)).status);
  const throttled = await fetch(`${api.stageUrl}items`);

  expect(statuses).toEqual([200, 200, 429]);
  expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
  expect(await throttled.json()).toEqual({ message: 'Too Many Requests' });
});

test('a function error is 502 Internal server error', async () => {
  const invoke = recordingInvoke(() => ({
    kind: 'failed',
    error: { errorType: 'TypeError', errorMessage: 'x is undefined' },
  }));
  const lines: string[] = [];
  const api = await serve(itemsApi(), invoke, (line) => lines.push(line));

  const response = await fetch(`${api.stageUrl}items`);

  expect(response.status).toBe(502);
  expect(await response.text()).toBe('{"message": "Internal server error"}');
  expect(lines.join('\n')).toContain('customer function error: x is undefined');
});

test('a result that is no proxy response is 502', async () => {
  const invoke = recordingInvoke(() => ({
    kind: 'returned',
    payload: { statusCode: 200, body: { not: 'a string' } },
  }));
  const api = await serve(itemsApi(), invoke);

  const response = await fetch(`${api.stageUrl}items`);

  expect(response.status).toBe(502);
  expect(await response.json()).toEqual({ message: 'Internal server error' });
});

test('a function slower than the integration timeout is 504 Endpoint request timed out', async () => {
  const invoke = recordingInvoke(
    () =>
      new Promise((resolve) => {
        releases.push(() => resolve({ kind: 'returned', payload: { statusCode: 200, body: 'late' } }));
      }),
  );
  const api = await serve(itemsApi({ timeout: Duration.millis(100) }), invoke);

  const response = await fetch(`${api.stageUrl}items`);

  expect(response.status).toBe(504);
  expect(await response.text()).toBe('{"message": "Endpoint request timed out"}');
});

test('a function without a Lambda permission for API Gateway is not invoked: 500', async () => {
  const template = itemsApi();
  const withoutPermissions: CfnTemplate = {
    ...template,
    Resources: Object.fromEntries(
      Object.entries(template.Resources).filter(
        ([, resource]) => resource.Type !== 'AWS::Lambda::Permission',
      ),
    ),
  };
  const invoke = recordingInvoke();
  const lines: string[] = [];
  const api = await serve(withoutPermissions, invoke, (line) => lines.push(line));

  const response = await fetch(`${api.stageUrl}items`);

  expect(response.status).toBe(500);
  expect(await response.json()).toEqual({ message: 'Internal server error' });
  expect(invoke.calls).toHaveLength(0);
  expect(lines.join('\n')).toContain('Invalid permissions on Lambda function');
});

test('a body over 10 MB is 413 and never reaches the function', async () => {
  const invoke = recordingInvoke();
  const api = await serve(journalTemplate(), invoke);

  const response = await signedFetch(`${api.stageUrl}api/swarms/hive-1/journal/pin`, {
    method: 'POST',
    body: 'x'.repeat(10 * 1024 * 1024 + 1),
  });

  expect(response.status).toBe(413);
  expect(await response.json()).toEqual({ message: 'Request Too Long' });
  expect(invoke.calls).toHaveLength(0);
});

test('the function result becomes the response: multi-value headers merged, base64 body decoded', async () => {
  const invoke = recordingInvoke(() => ({
    kind: 'returned',
    payload: {
      statusCode: 201,
      headers: { 'content-type': 'application/octet-stream', 'x-one': 'single', 'x-both': 'from-headers' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'], 'x-both': ['from-multi'] },
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    },
  }));
  const api = await serve(itemsApi(), invoke);

  const response = await fetch(`${api.stageUrl}items`);

  expect(response.status).toBe(201);
  expect(response.headers.get('x-one')).toBe('single');
  expect(response.headers.get('x-both')).toBe('from-multi');
  expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
});
