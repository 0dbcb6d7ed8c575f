import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LocalApiGateway, startLocalApiGateway } from '../../local/http/api-gateway-server.ts';

let gateway: LocalApiGateway;
const seen: APIGatewayProxyEvent[] = [];

beforeAll(async () => {
  gateway = await startLocalApiGateway({
    port: 0,
    routing: (method) => ({
      functionName: method === 'GET' ? 'api-read' : 'api-write',
      handler: async (event) => {
        seen.push(event);
        if (event.path === '/boom') throw new Error('handler crashed');
        return {
          statusCode: 201,
          headers: { 'x-function': method },
          body: JSON.stringify({ echo: event.body }),
        };
      },
    }),
    onError: () => {},
  });
});

afterAll(async () => {
  await gateway.close();
});

test('turns an HTTP request into the REST API proxy event and writes the handler result back', async () => {
  const response = await fetch(`${gateway.url}/api/x?kind=a&kind=b&q=hello%20world`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-trace-id': 'abc' },
    body: '{"a":1}',
  });

  expect(response.status).toBe(201);
  expect(response.headers.get('x-function')).toBe('POST');
  expect(await response.json()).toEqual({ echo: '{"a":1}' });
  const event = seen.at(-1) as APIGatewayProxyEvent;
  expect(event).toMatchObject({
    httpMethod: 'POST',
    path: '/api/x',
    multiValueQueryStringParameters: { kind: ['a', 'b'], q: ['hello world'] },
    queryStringParameters: { kind: 'b', q: 'hello world' },
    body: '{"a":1}',
    requestContext: { stage: 'local', httpMethod: 'POST' },
  });
});

test('answers 502 like API Gateway when the handler throws', async () => {
  const response = await fetch(`${gateway.url}/boom`);

  expect(response.status).toBe(502);
  expect(await response.json()).toEqual({ message: 'Internal server error' });
});
