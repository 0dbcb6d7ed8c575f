import type { APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import type { Route } from '../../lib/http/router.ts';
import type { ApiRequestSpec } from './api-gateway-event.ts';
import type { TestDatabase } from './test-database.ts';

/** Values that have broken parsers, SQL and encoders before: the hand-picked half of the fuzzing. */
const HOSTILE_TEXTS = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDFFF',
  '\u202Eevil\u202C',
  'שלום',
  '🐝🐝🐝',
  '👩‍👩‍👧‍👦',
  '\uFEFF',
  "'",
  '";--',
  "a'; DROP TABLE journal_event;--",
  '%',
  '_',
  '\\',
  '$1',
  ':name',
  '::text',
  '%_%',
  'NULL',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0',
  '-1',
  '1.5',
  '1e309',
  '0x10',
  '9'.repeat(40),
  '-5m',
  '5m',
  '0s',
  '999999999d',
  '99999999999999999999w',
  '2026-02-30T00:00:00Z',
  '2026-11-20T10:00:00',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59.999999Z',
  '1970-01-01T00:00:00Z',
  '2026-11-20T10:00:00+25:00',
  'x'.repeat(300),
  'y'.repeat(5000),
  'a,b,,c',
  'ERROR,WARN',
  'FULL',
  'pending',
  '00000000-0000-0000-0000-000000000000',
];

/** Every query parameter any route reads; routes ignore the ones they do not know. */
const QUERY_NAMES = [
  'limit',
  'beforeTs',
  'beforeId',
  'cursor',
  'swarmId',
  'runId',
  'correlationId',
  'traceId',
  'kind',
  'type',
  'severity',
  'errorsOnly',
  'since',
  'until',
  'pinned',
  'afterTs',
  'scenarioId',
  'testPlan',
  'tag',
  'q',
  'status',
];

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** nextPageToken look-alikes: garbage, the right encoding of the wrong JSON, valid tokens at extremes. */
const pageTokens: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 120 }).map(base64url),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,300}$/),
  fc
    .record({
      v: fc.oneof(fc.constant(1), fc.integer(), fc.string()),
      ts: fc.oneof(
        fc.constantFrom(...HOSTILE_TEXTS),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      id: fc.oneof(fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(-1)),
    })
    .map((content) => base64url(JSON.stringify(content))),
  fc.constantFrom(
    base64url('{"v":1,"ts":"9999-12-31T23:59:59.999999Z","id":9007199254740991}'),
    base64url('{"v":1,"ts":"0001-01-01T00:00:00.000000Z","id":0}'),
    base64url('[1,2,3]'),
    base64url('"a string"'),
    base64url('not json'),
    '====',
    'eyJ2IjoxfQ',
  ),
);

/** A query or body string value: hostile constants, random unicode, numbers, dates and tokens. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TEXTS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map(String) },
  {
    weight: 1,
    arbitrary: fc
      .date({ noInvalidDate: false })
      .map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  },
  { weight: 2, arbitrary: pageTokens },
);

const queryValue: fc.Arbitrary<string | string[]> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.array(hostileText, { minLength: 2, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.constant('t'), { minLength: 30, maxLength: 40 }) },
);

const query = fc.dictionary(
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...QUERY_NAMES) }, { weight: 1, arbitrary: hostileText }),
  queryValue,
  { maxKeys: 5 },
);

/** encodeURIComponent, or the raw text where it refuses (lone surrogates). */
function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

const pathSegment = (valid: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...valid) },
    { weight: 3, arbitrary: hostileText.map(encodeSegment) },
    { weight: 1, arbitrary: hostileText.filter((text) => !text.includes('/')) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        'a%2',
        '%E0%A4%A',
        '%ED%A0%80',
        '%C0%AF',
        '%FF',
        '%00',
        '%2F',
        '%25',
      ),
    },
  );

/** A JSON value of any shape, sometimes holding hostile text. */
const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

const body = (fieldNames: readonly string[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', '{"runId":', 'null', '[]', '"x"', '1', 'true', '\u0000', '{"a":1}{'),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: anyJson },
    {
      weight: 4,
      arbitrary: fc.dictionary(
        fc.oneof(fc.constantFrom(...fieldNames), hostileText),
        fc.oneof(hostileText, anyJson, fc.array(hostileText, { maxLength: 40 })),
        { maxKeys: 4 },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('x'.repeat(70_000), JSON.stringify({ description: 'd'.repeat(70_000) })),
    },
  );

const BODY_FIELDS = ['runId', 'mode', 'name', 'swarmId', 'testPlan', 'description', 'tags'];

/** The seeded values a path parameter may take when it is not being tampered with. */
export type ValidParams = Readonly<Record<string, readonly string[]>>;

/** Malformed (and sometimes well-formed) REST requests aimed at one route. */
export function fuzzRequests<Deps>(route: Route<Deps>, valid: ValidParams): fc.Arbitrary<ApiRequestSpec> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  const segments = fc.tuple(...names.map((name) => pathSegment(valid[name] ?? ['x'])));
  const method = fc.oneof(
    { weight: 9, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD') },
  );
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(undefined, 'application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('text/plain', 'application/merge-patch+json', 'multipart/form-data', ''),
    },
  );
  return fc
    .record({
      values: segments,
      method,
      query,
      contentType,
      body:
        route.method === 'GET' ? fc.constant(undefined) : fc.option(body(BODY_FIELDS), { nil: undefined }),
    })
    .map(({ values, method, query, contentType, body }) => {
      let path = route.path;
      names.forEach((name, i) => {
        path = path.replace(`{${name}}`, values[i] as string);
      });
      return {
        method,
        path,
        query,
        body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
        headers: (contentType === undefined ? {} : { 'content-type': contentType }) as Record<string, string>,
      };
    });
}

/** Why a response is not a 2xx page nor a well-formed 4xx problem, or null when it is one of them. */
export function responseFault(response: APIGatewayProxyResult): string | null {
  const status = response.statusCode;
  const contentType = String(response.headers?.['content-type'] ?? '');
  if (status >= 500) return `answered ${status}: ${response.body}`;
  if (status >= 400) {
    if (contentType !== 'application/problem+json') return `a ${status} with content-type ${contentType}`;
    const problem = JSON.parse(response.body);
    for (const field of ['type', 'title', 'detail', 'instance']) {
      if (typeof problem[field] !== 'string') return `a problem without a string ${field}: ${response.body}`;
    }
    return problem.status === status ? null : `a problem whose status ${problem.status} is not ${status}`;
  }
  if (status < 200 || status > 299) return `answered ${status}`;
  if (response.body === '') return null;
  if (contentType.startsWith('application/json')) JSON.parse(response.body);
  else if (!contentType.startsWith('text/plain')) return `a ${status} with content-type ${contentType}`;
  return null;
}

/** Row count and checksum of every journal table, to show a request changed nothing. */
export async function journalFingerprint(db: TestDatabase): Promise<Record<string, string>> {
  const tables = ['journal_event', 'journal_event_archive', 'journal_run', 'journal_capture'];
  const fingerprint: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await db.pg.query<{ rows: string; sum: string | null }>(
      `SELECT count(*)::text AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum FROM ${table} AS t`,
    );
    fingerprint[table] = `${rows[0]?.rows}:${rows[0]?.sum}`;
  }
  return fingerprint;
}
