import * as z from 'zod';
import { lazySchema } from './lazy-schema.ts';
import type { Route } from './router.ts';

/** RFC 9457 problem details, as every route answers its errors. */
const Problem = lazySchema(() =>
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().int(),
      detail: z.string(),
      instance: z.string(),
      traceId: z.string(),
      invalidParams: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
    })
    .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' }),
);

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}

/** Turns an object schema into OpenAPI parameters (`in`: query or path). */
function parametersOf(schema: z.ZodType | undefined, location: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
      ...(propertySchema.type === 'array' ? { style: 'form', explode: true } : {}),
    };
  });
}

/**
 * The OpenAPI 3.1 document of a route table, generated from the same zod schemas the routes parse
 * and answer with, so the document cannot drift from the code.
 */
export function openApiDocument(
  routes: readonly Route<never>[],
  info: { title: string; version: string; description: string },
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const { doc } = route;
    const responses: Record<string, JsonSchema> = {};
    for (const [status, response] of Object.entries(doc.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? {
              content: {
                'application/json': {
                  schema: jsonSchema(
                    typeof response.schema === 'function' ? response.schema() : response.schema,
                    'output',
                  ),
                },
              },
            }
          : {}),
      };
    }
    const problem = {
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    responses['4XX'] = { description: 'Bad input, unknown resource or conflict', ...problem };
    responses['5XX'] = { description: 'The service could not answer (503: retry shortly)', ...problem };
    const operation: JsonSchema = {
      operationId: operationId(route.method, route.path),
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      ...(doc.tags ? { tags: [...doc.tags] } : {}),
      'x-hive-journal-access': doc.access,
      parameters: [...parametersOf(doc.params, 'path'), ...parametersOf(doc.query, 'query')],
      ...(doc.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
    const methods = paths[route.path] ?? {};
    methods[route.method.toLowerCase()] = operation;
    paths[route.path] = methods;
  }
  return {
    openapi: '3.1.0',
    info,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas: { Problem: jsonSchema(Problem(), 'output') } },
  };
}

function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment && segment !== 'api')
    .map((segment) =>
      segment
        .replace(/[{}]/g, '')
        .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    );
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}
