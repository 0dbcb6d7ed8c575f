import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { SqlStatementError, SqlUnavailableError } from '../../lib/db/sql-errors.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { BadRequestError, NotFoundError } from '../../lib/http/http-errors.ts';
import { httpRequestFrom } from '../../lib/http/http-request.ts';
import { ok } from '../../lib/http/http-response.ts';
import { listParam, parseJsonBody, parseQuery } from '../../lib/http/parse-input.ts';
import type { Route } from '../../lib/http/router.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(10).default(5),
  kind: listParam(z.string()).optional(),
});

const routes: Route<{ fail?: unknown }>[] = [
  {
    method: 'GET',
    path: '/api/things/{thingId}',
    doc: { summary: 'A thing', responses: { 200: { description: 'The thing' } }, access: 'read' },
    handle: async (request, deps) => {
      if (deps.fail) throw deps.fail;
      return ok({ thingId: request.params.thingId, query: parseQuery(Query, request) });
    },
  },
  {
    method: 'POST',
    path: '/api/things/{thingId}',
    doc: { summary: 'Rename a thing', responses: { 200: { description: 'The thing' } }, access: 'write' },
    handle: async (request) => ok(parseJsonBody(z.object({ name: z.string() }), request)),
  },
];

const handlerWith = (deps: { fail?: unknown } = {}, allowedOrigins = ['https://hive.example']) =>
  apiHandler(routes, deps, { cors: { allowedOrigins } });

describe('API handler foundation', () => {
  test('routes, decodes path parameters and parses repeated and comma-separated list parameters', async () => {
    const response = await handlerWith()(
      apiGatewayEvent({ path: '/api/things/a%2Fb', query: { kind: ['x,y', 'z'], limit: '3' } }),
    );

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ thingId: 'a/b', query: { limit: 3, kind: ['x', 'y', 'z'] } });
  });

  test.each([
    ['a value out of range', { limit: '99' }, 'limit'],
    ['a single-valued parameter given twice', { limit: ['1', '2'] }, 'limit'],
    ['a non-number', { limit: 'ten' }, 'limit'],
  ])('answers %s with a 400 problem naming the parameter', async (_case, query, name) => {
    const response = await handlerWith()(apiGatewayEvent({ path: '/api/things/a', query }));

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(response.body);
    expect(problem).toMatchObject({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      instance: '/api/things/a',
    });
    expect(problem.invalidParams.map((p: { name: string }) => p.name)).toEqual([name]);
  });

  test('unknown routes are 404 and known paths with another method 405 with Allow', async () => {
    const missing = await handlerWith()(apiGatewayEvent({ path: '/api/nothing' }));
    const wrongMethod = await handlerWith()(apiGatewayEvent({ method: 'DELETE', path: '/api/things/a' }));

    expect(missing.statusCode).toBe(404);
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers?.allow).toBe('GET, POST');
  });

  test.each([
    ['malformed JSON', '{"name":', { 'content-type': 'application/json' }, 400],
    ['a wrong media type', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    [
      'an oversized body',
      JSON.stringify({ name: 'x'.repeat(70_000) }),
      { 'content-type': 'application/json' },
      413,
    ],
    ['a body failing the schema', JSON.stringify({ name: 5 }), { 'content-type': 'application/json' }, 400],
  ])('answers %s with a %s problem', async (_case, body, headers, status) => {
    const response = await handlerWith()(
      apiGatewayEvent({ method: 'POST', path: '/api/things/a', body, headers }),
    );

    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
  });

  test('an unexpected error is a generic 500 whose cause is reported, never shown', async () => {
    const reported: unknown[] = [];
    const handler = apiHandler(
      routes,
      { fail: new SqlStatementError('relation "secret_table" does not exist') },
      {
        cors: { allowedOrigins: [] },
        onUnexpected: (unexpected) => reported.push(unexpected.error),
      },
    );

    const response = await handler(apiGatewayEvent({ path: '/api/things/a' }));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret_table');
    expect(reported).toHaveLength(1);
  });

  test('an unreachable database is a 503 the client may retry', async () => {
    const response = await handlerWith({ fail: new SqlUnavailableError('connection refused') })(
      apiGatewayEvent({ path: '/api/things/a' }),
    );

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('5');
  });

  test('problem errors keep their status and detail', async () => {
    const notFound = await handlerWith({ fail: new NotFoundError('No run r-1') })(
      apiGatewayEvent({ path: '/api/things/a' }),
    );
    const bad = await handlerWith({ fail: new BadRequestError('nope', [{ name: 'x', reason: 'y' }]) })(
      apiGatewayEvent({ path: '/api/things/a' }),
    );

    expect(JSON.parse(notFound.body)).toMatchObject({ status: 404, detail: 'No run r-1' });
    expect(JSON.parse(bad.body).invalidParams).toEqual([{ name: 'x', reason: 'y' }]);
  });

  test('echoes a valid X-Trace-Id, takes the trace id of a traceparent, and never echoes garbage', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const echoed = await handlerWith()(
      apiGatewayEvent({ path: '/api/things/a', headers: { 'X-Trace-Id': traceId } }),
    );
    const fromParent = await handlerWith()(
      apiGatewayEvent({
        path: '/api/things/a',
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      }),
    );
    const garbage = await handlerWith()(
      apiGatewayEvent({ path: '/api/things/a', headers: { 'x-trace-id': "'; DROP TABLE x; --" } }),
    );

    expect(echoed.headers?.['x-trace-id']).toBe(traceId);
    expect(fromParent.headers?.['x-trace-id']).toBe(traceId);
    expect(garbage.headers?.['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  test('allows CORS for the configured origin only and answers preflights', async () => {
    const allowed = await handlerWith()(
      apiGatewayEvent({ path: '/api/things/a', headers: { origin: 'https://hive.example' } }),
    );
    const other = await handlerWith()(
      apiGatewayEvent({ path: '/api/things/a', headers: { origin: 'https://evil.example' } }),
    );
    const preflight = await handlerWith()(
      apiGatewayEvent({
        method: 'OPTIONS',
        path: '/api/things/a',
        headers: { origin: 'https://hive.example', 'access-control-request-method': 'POST' },
      }),
    );

    expect(allowed.headers?.['access-control-allow-origin']).toBe('https://hive.example');
    expect(other.headers?.['access-control-allow-origin']).toBeUndefined();
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers?.['access-control-allow-methods']).toContain('POST');
  });

  test('reads HTTP API (payload 2.0) events as well, without the stage prefix', () => {
    const request = httpRequestFrom({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/prod/api/things/a',
      rawQueryString: 'kind=a&kind=b&q=x+y',
      headers: { 'X-Trace-Id': 'abc' },
      isBase64Encoded: false,
      requestContext: { http: { method: 'get' }, stage: 'prod', requestId: 'r1' },
    } as never);

    expect(request).toMatchObject({
      method: 'GET',
      path: '/api/things/a',
      query: { kind: ['a', 'b'], q: ['x y'] },
    });
    expect(request.headers['x-trace-id']).toBe('abc');
  });
});
