import * as z from 'zod';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors.ts';
import type { HttpRequest } from './http-request.ts';

/** The largest JSON body any route accepts. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * Parses query parameters with a zod object schema. A parameter given once is a string, given
 * several times an array (so a single-valued parameter given twice is refused, naming it). Unknown
 * parameters are ignored, as clients add their own (cache busters, tracking).
 */
export function parseQuery<Schema extends z.ZodType>(schema: Schema, request: HttpRequest): z.output<Schema> {
  const raw: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(request.query)) {
    raw[name] = values.length === 1 ? (values[0] as string) : [...values];
  }
  return parseOrBadRequest(schema, raw, 'query parameter');
}

/** Parses path parameters with a zod object schema. */
export function parseParams<Schema extends z.ZodType>(
  schema: Schema,
  params: Readonly<Record<string, string>>,
): z.output<Schema> {
  return parseOrBadRequest(schema, params, 'path parameter');
}

/** Parses a JSON request body: JSON media type, bounded size, valid JSON, then the schema. */
export function parseJsonBody<Schema extends z.ZodType>(
  schema: Schema,
  request: HttpRequest,
): z.output<Schema> {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !/^application\/([\w.+-]*\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(`Expected an application/json body, got ${contentType}`);
  }
  const body = request.body ?? '';
  if (Buffer.byteLength(body) > MAX_JSON_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body is larger than ${MAX_JSON_BODY_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = body.trim() === '' ? {} : JSON.parse(body);
    // A JSON null is "no body", as Spring binds it to PocketHive's optional @RequestBody
    if (value === null) value = {};
  } catch (error) {
    throw new BadRequestError(`The body is not valid JSON: ${(error as Error).message}`, [
      { name: 'body', reason: 'is not valid JSON' },
    ]);
  }
  return parseOrBadRequest(schema, value, 'body field');
}

/** A list parameter: repeated (?kind=a&kind=b) or comma-separated (?kind=a,b). */
export function listParam<Item extends z.ZodType>(item: Item) {
  return z.preprocess((value) => {
    const values = typeof value === 'string' ? [value] : value;
    return Array.isArray(values)
      ? values
          .flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
          .map((v) => (typeof v === 'string' ? v.trim() : v))
          .filter((v) => v !== '')
      : values;
  }, z.array(item));
}

function parseOrBadRequest<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const invalidParams = result.error.issues.map((issue) => ({
    name: issue.path.length > 0 ? issue.path.map(String).join('.') : what,
    reason: issue.message,
  }));
  const named = invalidParams.map((p) => `${p.name}: ${p.reason}`).join('; ');
  throw new BadRequestError(
    `Invalid ${what}${invalidParams.length > 1 ? 's' : ''} — ${named}`,
    invalidParams,
  );
}
