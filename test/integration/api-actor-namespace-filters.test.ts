import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runRoutes } from '../../lib/api/run-routes.ts';
import { recordingClient } from '../../lib/db/recording-sql-client.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import { ingestMessages } from '../../lib/use-cases/ingest-messages.ts';
import { listRuns } from '../../lib/use-cases/list-runs.ts';
import { readJournalPage } from '../../lib/use-cases/read-journal-page.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';
import { type ApiAnswer, journalApi } from '../support/api-journal-fixtures.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// actor and namespace (a prefix of namespacePath) on the journal pages and the runs index, over
// events stored by the real ingest: exact matches only, hostile values taken as data (200, nothing
// extra) or refused with a 400 problem, and both read through their indexes (migration 0009).

const HOSTILE_ACTORS = [
  "' OR '1'='1",
  "alice'; DROP TABLE journal_event; --",
  '%',
  '_',
  'alic%',
  '\\',
  '$1',
  ':actor',
  'ALICE',
  ' alice-',
  '😀',
  'a'.repeat(256),
];
const BAD_NAMESPACES = [
  '/',
  '//',
  'acme//team-a',
  '../acme',
  '.acme',
  "acme' OR '1'='1",
  'acme/team a',
  'acme/*',
  'acme/%',
  'a/b/c/d/e/f/g/h/i',
  'x'.repeat(65),
];

describe('actor and namespace filters', () => {
  let db: TestDatabase;
  let get: ReturnType<typeof journalApi>;
  let runs: (query: Record<string, string | readonly string[]>) => Promise<ApiAnswer>;
  const now = Date.now();
  const at = (seconds: number) => new Date(now - 60_000 + seconds * 1000).toISOString();

  beforeAll(async () => {
    db = await createTestDatabase();
    get = journalApi(db);
    const runsHandler = apiHandler(
      runRoutes,
      { sql: db.sql, clock: systemClock },
      { cors: { allowedOrigins: [] } },
    );
    runs = async (query) => {
      const response = await runsHandler(apiGatewayEvent({ path: '/api/journal/swarm/runs', query }));
      return {
        status: response.statusCode,
        headers: (response.headers ?? {}) as Record<string, string>,
        body: JSON.parse(response.body),
      };
    };
    const entry = (runId: string, second: number, extra: Record<string, unknown>) =>
      journalEntry({
        swarmId: 'swarm-f',
        runId,
        timestamp: at(second),
        type: `t-${runId}-${second}`,
        ...extra,
      });
    const entries = [
      entry('run-alice', 1, { actor: 'alice', namespacePath: ['acme', 'team-a'] }),
      entry('run-alice', 2, { actor: 'bob', namespacePath: ['acme', 'team-a', 'perf'] }),
      entry('run-bob', 3, { actor: 'bob', namespacePath: ['acme', 'team-ab'] }),
      entry('run-obrien', 4, { actor: "o'brien", namespacePath: ['acme'] }),
      entry('run-none', 5, {}),
      entry('run-other', 6, { actor: 'alice%', namespacePath: ['other', 'team-a'] }),
      journalEntry({
        scope: 'HIVE',
        swarmId: 'swarm-f',
        runId: 'run-alice',
        timestamp: at(7),
        type: 't-hive-7',
        actor: 'alice',
        namespacePath: ['acme', 'team-a'],
      }),
    ];
    await ingestMessages({ sql: db.sql, clock: systemClock }, [
      { messageId: randomUUID(), body: envelope(entries) },
    ]);
  });
  afterAll(async () => {
    await db.drop();
  });

  const swarmPage = (query: Record<string, string | readonly string[]>) =>
    get('/api/swarms/swarm-f/journal/page', query);
  const typesOf = (answer: ApiAnswer) => answer.body.items.map((item: { type: string }) => item.type);
  const runIdsOf = (answer: ApiAnswer) => answer.body.map((run: { runId: string }) => run.runId).sort();

  test('actor keeps the events of exactly that actor, on the swarm and the hive journal', async () => {
    expect(typesOf(await swarmPage({ runId: 'run-alice', actor: 'alice' }))).toEqual(['t-run-alice-1']);
    expect(typesOf(await swarmPage({ runId: 'run-alice', actor: 'bob' }))).toEqual(['t-run-alice-2']);
    expect(typesOf(await swarmPage({ runId: 'run-obrien', actor: "o'brien" }))).toEqual(['t-run-obrien-4']);
    expect(typesOf(await get('/api/journal/hive/page', { actor: 'alice' }))).toEqual(['t-hive-7']);
  });

  test('namespace keeps the events whose namespacePath starts with those whole segments', async () => {
    const hive = await get('/api/journal/hive/page', { namespace: 'acme' });
    expect(typesOf(hive)).toEqual(['t-hive-7']);
    const page = async (namespace: string, runId: string) => typesOf(await swarmPage({ runId, namespace }));
    expect(await page('acme/team-a', 'run-alice')).toEqual(['t-run-alice-2', 't-run-alice-1']);
    expect(await page('acme/team-a/', 'run-alice')).toEqual(['t-run-alice-2', 't-run-alice-1']);
    expect(await page('acme/team-a/perf', 'run-alice')).toEqual(['t-run-alice-2']);
    expect(await page('acme/team-a', 'run-bob')).toEqual([]);
    expect(await page('acme', 'run-bob')).toEqual(['t-run-bob-3']);
    expect(await page('acme/team', 'run-bob')).toEqual([]);
    expect(await page('team-a', 'run-other')).toEqual([]);
    expect(await page('acme', 'run-none')).toEqual([]);
  });

  test('the runs index filters by the first actor and namespace each run was stored with', async () => {
    expect(runIdsOf(await runs({ actor: 'alice' }))).toEqual(['run-alice']);
    expect(runIdsOf(await runs({ actor: 'bob' }))).toEqual(['run-bob']);
    expect(runIdsOf(await runs({ namespace: 'acme' }))).toEqual(['run-alice', 'run-bob', 'run-obrien']);
    expect(runIdsOf(await runs({ namespace: 'acme/team-a' }))).toEqual(['run-alice']);
    expect(runIdsOf(await runs({ namespace: 'acme/team-a/perf' }))).toEqual([]);
    expect(runIdsOf(await runs({ namespace: 'acme', actor: 'bob' }))).toEqual(['run-bob']);
  });

  test('hostile actor values are data: 200 and nothing that is not exactly that actor', async () => {
    for (const actor of HOSTILE_ACTORS) {
      const page = await swarmPage({ runId: 'run-alice', actor });
      expect(page.status, actor).toBe(200);
      expect(page.body.items, actor).toEqual([]);
      const hive = await get('/api/journal/hive/page', { actor });
      expect(hive.body.items, actor).toEqual([]);
      const list = await runs({ actor });
      expect(list.status, actor).toBe(200);
      expect(list.body, actor).toEqual([]);
    }
    expect(runIdsOf(await runs({ actor: 'alice%' }))).toEqual(['run-other']);
    expect((await db.pg.query('SELECT count(*)::int AS n FROM journal_event')).rows[0].n).toBe(7);
  });

  test('malformed filters answer 400 problems naming the parameter, on every route', async () => {
    const problems: Array<[string, ApiAnswer]> = [];
    for (const namespace of BAD_NAMESPACES) {
      problems.push([namespace, await swarmPage({ namespace })]);
      problems.push([namespace, await get('/api/journal/hive/page', { namespace })]);
      problems.push([namespace, await runs({ namespace })]);
    }
    for (const actor of ['a\u0000b', 'a\u0007b', 'a'.repeat(257), '\uD800']) {
      problems.push([actor, await swarmPage({ actor })]);
      problems.push([actor, await runs({ actor })]);
    }
    problems.push(['repeated', await swarmPage({ actor: ['alice', 'bob'] })]);
    problems.push(['repeated', await runs({ namespace: ['acme', 'other'] })]);
    for (const [value, answer] of problems) {
      expect(answer.status, `${JSON.stringify(value)} ${JSON.stringify(answer.body)}`).toBe(400);
      expect(answer.headers['content-type'], value).toBe('application/problem+json');
      const named = JSON.stringify(answer.body);
      expect(named.includes('actor') || named.includes('namespace'), `${value}: ${named}`).toBe(true);
    }
  });

  test('a blank filter is no filter', async () => {
    expect((await swarmPage({ runId: 'run-alice', actor: ' ' })).body.items).toHaveLength(2);
    expect(runIdsOf(await runs({ namespace: '' }))).toHaveLength(5);
  });

  test('both filters are read through their indexes', async () => {
    await db.pg.query(
      `INSERT INTO journal_event (ts, scope, swarm_id, run_id, severity, direction, kind, type, origin, event_uid,
         actor, namespace_path)
       SELECT now() - (g % 3600) * interval '1 second', 'SWARM', 'swarm-bulk', 'run-' || (g % 50), 'INFO', 'OUT',
         'signal', 'bulk', 'test', gen_random_uuid(), 'actor-' || (g % 200), ARRAY['tenant-' || (g % 200), 'x']
       FROM generate_series(1, 40000) AS g`,
    );
    await db.pg.query('ANALYZE journal_event');
    const plan = async (filter: Record<string, unknown>) => {
      const recording = recordingClient(db.sql);
      await readJournalPage(
        { sql: recording.sql, clock: systemClock },
        { scope: 'SWARM', filter, source: { kind: 'live' }, before: null, limit: 50, maxBytes: 800_000 },
      );
      const statement = recording.statements.at(-1);
      if (statement === undefined) throw new Error('no statement recorded');
      const { rows } = await db.sql.execute<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${statement.sql}`,
        statement.parameters,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    };
    // each partition's index is the parent index's, named by PostgreSQL
    expect(await plan({ actor: 'actor-7' })).toMatch(/Index Scan using journal_event_p\d{8}_actor_ts_id_idx/);
    expect(await plan({ namespacePrefix: ['tenant-7', 'x'] })).toMatch(
      /Index Scan (?:using|on) journal_event_p\d{8}_namespace_path_ts_id_idx/,
    );

    const recording = recordingClient(db.sql);
    await listRuns(
      { sql: recording.sql, clock: systemClock },
      { pinnedOnly: false, tags: [], limit: 10, actor: 'x' },
    );
    const listing = recording.statements[0];
    if (listing === undefined) throw new Error('no statement recorded');
    await db.pg.query(
      `INSERT INTO journal_run (swarm_id, run_id, last_ts, entries, actor, namespace_path)
       SELECT 'bulk-' || g, 'run', now(), 1, 'actor-' || (g % 500), ARRAY['tenant-' || (g % 500)]
       FROM generate_series(1, 20000) AS g`,
    );
    await db.pg.query('ANALYZE journal_run');
    const runsPlan = await db.sql.execute<{ 'QUERY PLAN': string }>(
      `EXPLAIN ${listing.sql}`,
      listing.parameters,
    );
    expect(runsPlan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('idx_journal_run_actor');
  });
});
