import { expect, test } from 'vitest';
import { z } from 'zod';
import { ok } from '../../lib/http/http-response.ts';
import { openApiDocument } from '../../lib/http/openapi-document.ts';
import { listParam } from '../../lib/http/parse-input.ts';
import type { Route } from '../../lib/http/router.ts';

const Params = z.object({ swarmId: z.string().min(1) });
const Query = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200).describe('Page size'),
  kind: listParam(z.string()).optional(),
});
const Body = z.object({ mode: z.enum(['FULL', 'SLIM']) });
const Page = z.object({ items: z.array(z.object({ eventId: z.number() })), hasMore: z.boolean() });

const routes: Route<never>[] = [
  {
    method: 'GET',
    path: '/api/swarms/{swarmId}/journal/page',
    doc: {
      summary: 'A page',
      params: Params,
      query: Query,
      responses: { 200: { description: 'The page', schema: Page } },
      access: 'read',
    },
    handle: async () => ok({}),
  },
  {
    method: 'POST',
    path: '/api/swarms/{swarmId}/journal/pin',
    doc: {
      summary: 'Pin',
      params: Params,
      body: Body,
      responses: { 201: { description: 'Pinned' } },
      access: 'write',
    },
    handle: async () => ok({}),
  },
];

test('documents paths, parameters, bodies, responses and problems from the route schemas', () => {
  const document = openApiDocument(routes, { title: 't', version: '1', description: 'd' }) as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };

  expect(document.openapi).toBe('3.1.0');
  const page = document.paths['/api/swarms/{swarmId}/journal/page']?.get as Record<string, unknown>;
  expect(page.operationId).toBe('getSwarmsSwarmIdJournalPage');
  expect(page.parameters).toEqual([
    { name: 'swarmId', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
    expect.objectContaining({ name: 'limit', in: 'query', required: false, description: 'Page size' }),
    expect.objectContaining({ name: 'kind', in: 'query', required: false }),
  ]);
  expect(page.responses).toHaveProperty('200.content.application/json.schema.properties.items');
  expect(page.responses).toHaveProperty('4XX.content.application/problem+json');
  const pin = document.paths['/api/swarms/{swarmId}/journal/pin']?.post as Record<string, unknown>;
  expect(pin).toHaveProperty('requestBody.content.application/json.schema.properties.mode.enum', [
    'FULL',
    'SLIM',
  ]);
  expect(pin['x-hive-journal-access']).toBe('write');
});
