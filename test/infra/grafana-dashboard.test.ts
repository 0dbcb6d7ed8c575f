import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALERT_CODES, type AlertCodeCategory } from '../../lib/journal/event-kinds.ts';
import { type EventSpec, insertEvents } from '../support/api-journal-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  expandForPostgres,
  sqlOfDashboard,
  sqlString,
  unsafeInterpolations,
  variablesOf,
} from './grafana-sql.ts';

const dashboard = JSON.parse(
  readFileSync(new URL('../../grafana/dashboards/hive-journal.json', import.meta.url), 'utf8'),
);
const datasources = readFileSync(
  new URL('../../grafana/provisioning/datasources/hive-journal.yaml', import.meta.url),
  'utf8',
);
const queries = sqlOfDashboard(dashboard);
const declared = variablesOf(dashboard);

/** Grafana's `${name}` / `${name:format}` interpolation, spelled without a JavaScript template. */
const grafana = (name: string, format?: string) => `$\{${name}${format ? `:${format}` : ''}}`;

describe('the injection check', () => {
  test('flags raw, bare and non-SQL-quoted variables', () => {
    const sql = `WHERE a = '$swarm' AND b = '${grafana('runId')}' AND c = ${grafana('runId', 'raw')} AND d = [[swarm]] AND e = ${grafana('runId', 'csv')}`;

    expect(unsafeInterpolations(sql, ['swarm', 'runId'])).toEqual([
      '[[swarm]]',
      '$swarm',
      grafana('runId'),
      grafana('runId', 'raw'),
      grafana('runId', 'csv'),
    ]);
  });

  test('accepts the time macros and declared variables in the sqlstring format only', () => {
    const runId = grafana('runId', 'sqlstring');
    const sql = `WHERE $__timeFilter(ts) AND (${runId} = '' OR run_id = ${runId})`;

    expect(unsafeInterpolations(sql, ['runId'])).toEqual([]);
    expect(unsafeInterpolations(`WHERE run_id = ${grafana('other', 'sqlstring')}`, ['runId'])).toEqual([
      grafana('other', 'sqlstring'),
    ]);
  });
});

describe('rendering a query as Grafana does', () => {
  const range = { from: '2030-01-02T00:00:00.000Z', to: '2030-01-02T06:00:00.500Z' };
  const runId = grafana('runId', 'sqlstring');

  test("quotes a value in Grafana's sqlstring format: quotes doubled, nothing else escaped", () => {
    expect(sqlString("it's \\ $$ --\n")).toBe("'it''s \\ $$ --\n'");
  });

  test('interpolates the variables, then expands the time macros with the bounds in RFC 3339', () => {
    const sql = `WHERE $__timeFilter(ts) AND run_id = ${runId} GROUP BY $__timeGroupAlias(ts, '5m')`;

    expect(expandForPostgres(sql, { ...range, values: { runId: "o'brien" } })).toBe(
      `WHERE ts BETWEEN '2030-01-02T00:00:00Z' AND '2030-01-02T06:00:00.5Z' AND run_id = 'o''brien' GROUP BY floor(extract(epoch from ts)/300)*300 AS "time"`,
    );
  });

  test('expands a macro call inside a value too, as Grafana expands macros after interpolating', () => {
    const sql = `WHERE run_id = ${runId}`;

    expect(expandForPostgres(sql, { ...range, values: { runId: 'a$__timeFrom()b' } })).toBe(
      "WHERE run_id = 'a'2030-01-02T00:00:00Z'b'",
    );
    expect(() => expandForPostgres(sql, { ...range, values: { runId: '$nope(1)' } })).toThrow(
      'unknown macro',
    );
  });

  test('never interpolates a value again', () => {
    const sql = `WHERE a = ${runId} AND b = ${grafana('swarmId', 'sqlstring')}`;
    const values = { runId: grafana('swarmId', 'sqlstring'), swarmId: "x'" };

    expect(expandForPostgres(sql, { ...range, values })).toBe(`WHERE a = '${values.runId}' AND b = 'x'''`);
  });
});

describe('hive-journal Grafana dashboard', () => {
  test('has SQL in every panel and annotation it declares', () => {
    expect(queries.length).toBe(dashboard.panels.length + dashboard.annotations.list.length - 1);
  });

  test('never splices a variable into SQL unquoted', () => {
    for (const { where, sql } of queries) expect(unsafeInterpolations(sql, declared), where).toEqual([]);
  });

  test('bounds every journal_event query by the dashboard time range (partition pruning)', () => {
    for (const { where, sql } of queries.filter((query) => /\bFROM journal_event\b/.test(query.sql))) {
      expect(sql, where).toContain('$__timeFilter(ts)');
    }
  });

  test('offers the deep-link variables swarmId, runId, correlationId and captureId', () => {
    expect(declared).toEqual(
      expect.arrayContaining(['scope', 'swarmId', 'runId', 'correlationId', 'captureId']),
    );
  });

  test('annotates WARN/ERROR, lifecycle, backpressure, guards, data exhaustion and data-path failures', () => {
    expect(dashboard.annotations.list.map((annotation: { name: string }) => annotation.name)).toEqual([
      'Annotations & Alerts',
      'WARN / ERROR',
      'Swarm lifecycle',
      'Journal backpressure',
      'Guard / queue overfill',
      'Data exhaustion',
      'Data-path failures',
    ]);
  });

  test('reads from the provisioned journal datasource', () => {
    const uid = /uid:\s*(\S+)/.exec(datasources)?.[1];
    const used = new Set(
      [...JSON.stringify(dashboard).matchAll(/"uid":\s*"([^"]+)"/g)]
        .map((match) => match[1])
        .filter((u) => u !== 'hive-journal' && u !== '-- Grafana --'),
    );

    expect([...used]).toEqual([uid]);
  });
});

describe('hive-journal Grafana dashboard against the migrated schema', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  test('runs every query, with a quote in every variable value', async () => {
    const values = Object.fromEntries(declared.map((name) => [name, name === 'scope' ? 'ALL' : "o'brien"]));
    for (const { where, sql } of queries) {
      const expanded = expandForPostgres(sql, {
        from: '2024-01-01T00:00:00Z',
        to: '2024-01-02T00:00:00Z',
        values,
      });

      await expect(db.pg.query(expanded), where).resolves.toBeDefined();
    }
  });
});

interface AnnotationRow {
  readonly time: Date;
  readonly text: string;
  readonly tags: string;
}

const CATEGORY_ANNOTATIONS: Record<AlertCodeCategory, string> = {
  guard: 'Guard / queue overfill',
  'data-exhaustion': 'Data exhaustion',
  'data-path-failure': 'Data-path failures',
};
const EVENT_ANNOTATIONS = Object.values(CATEGORY_ANNOTATIONS);

/** The variables as an unfiltered dashboard has them. */
const UNFILTERED = { scope: 'ALL', swarmId: '', runId: '', correlationId: '', captureId: '' };

/** The fixtures of each group live on a day of their own, so each group's time range shows only them. */
const DAY = {
  main: { from: '2030-01-02T00:00:00Z', to: '2030-01-02T06:00:00Z' },
  catalogue: { from: '2030-01-03T00:00:00Z', to: '2030-01-03T06:00:00Z' },
  hostile: { from: '2030-01-04T00:00:00Z', to: '2030-01-04T06:00:00Z' },
};

const at = (day: keyof typeof DAY, time: string) => `${DAY[day].from.slice(0, 10)}T${time}Z`;

/** An alert as the swarm controller journals it (SwarmJournalEntries.inAlert): ERROR, the alert's data. */
function alert(ts: string, data: Record<string, unknown>, spec: Partial<EventSpec> = {}): EventSpec {
  return {
    ts,
    kind: 'event',
    type: 'alert',
    severity: 'ERROR',
    direction: 'IN',
    origin: 'proc-1',
    data,
    ...spec,
  };
}

/** A worker-error entry as SwarmWorkerErrorJournal writes it: the worker's error counter rose. */
function workerError(
  ts: string,
  errorCount: number,
  errorDelta: number,
  spec: Partial<EventSpec> = {},
): EventSpec {
  return {
    ts,
    kind: 'local',
    type: 'worker-error',
    severity: 'ERROR',
    direction: 'LOCAL',
    origin: 'swarm-controller-1',
    role: 'processor',
    instance: 'proc-1',
    data: { role: 'processor', instance: 'proc-1', errorCount, errorDelta },
    extra: { source: 'status-delta' },
    ...spec,
  };
}

const processor = { role: 'processor', instance: 'proc-1' };
const generator = { role: 'generator', instance: 'gen-1', origin: 'gen-1' };

/** What each annotation must mark, and the near misses around them. */
const MAIN = {
  guard: alert(
    at('main', '01:00:00'),
    { level: 'warn', code: 'io.backpressure', message: 'queue ph.swarm-a.gen over 500' },
    { role: 'moderator', instance: 'mod-1', origin: 'mod-1' },
  ),
  outOfData: alert(
    at('main', '01:10:00'),
    { level: 'error', code: 'io.out-of-data', message: 'Out of data', context: { dataset: 'redis:users' } },
    generator,
  ),
  limitReached: alert(
    at('main', '01:20:00'),
    { level: 'error', code: 'generator.limit-reached', message: 'maxMessages reached' },
    generator,
  ),
  workFailure: alert(
    at('main', '01:30:00'),
    {
      level: 'error',
      code: 'runtime.exception',
      message: 'connect timed out',
      errorType: 'java.net.SocketTimeoutException',
      context: { phase: 'work', worker: 'processorWorker', messageId: 'm-1' },
    },
    { ...processor, correlationId: 'corr-work' },
  ),
  downstream: alert(
    at('main', '01:40:00'),
    { level: 'error', code: 'io.downstream-error', message: 'insert failed' },
    { role: 'postprocessor', instance: 'pp-1', origin: 'pp-1' },
  ),
  workerError: workerError(at('main', '01:50:00'), 10, 3),
  otherSwarm: alert(
    at('main', '03:00:00'),
    { level: 'error', code: 'io.out-of-data', message: 'Out of data' },
    { ...generator, swarmId: 'swarm-b' },
  ),
  otherRun: alert(
    at('main', '03:10:00'),
    { level: 'error', code: 'runtime.exception', message: 'boom', context: { phase: 'work' } },
    { role: 'processor', instance: 'proc-2', runId: 'run-2' },
  ),
  hiveScope: alert(
    at('main', '03:20:00'),
    { level: 'error', code: 'io.out-of-data', message: 'Out of data' },
    { ...generator, scope: 'HIVE' },
  ),
};

const NEAR_MISSES: EventSpec[] = [
  // A command that failed is not the data path failing (ControlPlaneEmitter.emitFailure, its phase).
  alert(at('main', '02:00:00'), {
    code: 'runtime.exception',
    message: 'bad',
    context: { phase: 'config-update' },
  }),
  alert(at('main', '02:05:00'), { code: 'runtime.exception', message: 'no phase' }),
  // The words the old patterns matched, in an alert of another code.
  alert(at('main', '02:10:00'), {
    code: 'IllegalStateException',
    message: 'guard kicked in: queue overfill, backlog, data exhausted, no more data',
  }),
  alert(at('main', '02:15:00'), { code: 'IO.OUT-OF-DATA', message: 'Out of data' }),
  {
    ts: at('main', '02:20:00'),
    kind: 'local',
    type: 'swarm-health-degraded',
    severity: 'WARN',
    direction: 'LOCAL',
  },
  // The buffer guard's rate change is an ordinary config-update signal.
  {
    ts: at('main', '02:25:00'),
    kind: 'signal',
    type: 'config-update',
    direction: 'OUT',
    data: { inputs: { scheduler: { ratePerSec: 5 } } },
  },
  { ts: at('main', '02:30:00'), kind: 'infra', type: 'journal-backpressure-start', severity: 'WARN' },
  {
    ts: at('main', '02:35:00'),
    kind: 'outcome',
    type: 'config-update',
    severity: 'ERROR',
    data: { status: 'Failed', code: 'io.out-of-data' },
  },
  {
    ts: at('main', '02:40:00'),
    kind: 'local',
    type: 'io.out-of-data',
    severity: 'ERROR',
    direction: 'LOCAL',
  },
  { ...MAIN.workerError, ts: at('main', '02:45:00'), kind: 'event' },
  // Outside the range, on either side.
  alert('2030-01-01T23:59:59Z', { code: 'io.out-of-data', message: 'before' }),
  alert('2030-01-02T06:00:01Z', { code: 'io.backpressure', message: 'after' }),
  alert('2030-01-02T06:00:02Z', { code: 'runtime.exception', message: 'after', context: { phase: 'work' } }),
];

/** Values a deep link or a text box can carry, each stored as a swarm, run and correlation id. */
const HOSTILE_VALUES = [
  "o'brien",
  "''",
  "' OR '1'='1",
  "x' OR 1=1 --",
  '--',
  "'; DROP TABLE journal_event; --",
  ';DROP TABLE journal_event;',
  '\\',
  "\\'",
  "\\' OR TRUE --",
  '$$',
  '$$; DROP TABLE journal_event; $$',
  '$tag$ OR TRUE $tag$',
  "line\n' OR TRUE --\nbreak",
  '\r\n\t',
  '/* */',
  '%',
  '_',
  '.*',
  'рой-🐝',
  '\u202Eevil\u202C',
  '👩‍👩‍👧‍👦',
  grafana('swarmId', 'sqlstring'),
];

/** Longer than any index row takes (so never stored): only ever matches nothing. */
const LONG_VALUE = `${"' OR '1'='1".repeat(10_000)}x`;

describe('the guard, data-exhaustion and data-path annotations against the migrated schema', () => {
  let db: TestDatabase;
  let hostileIds: number[] = [];
  let eventCount = 0;

  async function arrange(specs: readonly EventSpec[]): Promise<number[]> {
    eventCount += specs.length;
    return insertEvents(db.pg, specs);
  }

  const hostileTs = (i: number) => at('hostile', `01:00:${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    await arrange([...Object.values(MAIN), ...NEAR_MISSES]);
    await arrange(
      ALERT_CODES.map((entry, i) =>
        alert(
          at('catalogue', `01:${String(i).padStart(2, '0')}:00`),
          {
            code: entry.code,
            message: `catalogued ${entry.code}`,
            context: entry.phase ? { phase: entry.phase } : {},
          },
          { runId: 'run-catalogue' },
        ),
      ),
    );
    hostileIds = await arrange(
      HOSTILE_VALUES.map((value, i) =>
        alert(
          hostileTs(i),
          { code: 'io.out-of-data', message: 'Out of data' },
          { swarmId: value, runId: value, correlationId: value },
        ),
      ),
    );
  });
  afterAll(async () => {
    await db.drop();
  });

  function annotationSql(name: string): string {
    const annotation = dashboard.annotations.list.find((entry: { name: string }) => entry.name === name);
    return annotation.target.rawSql;
  }

  /** Runs an annotation's query as Grafana would, over a day's range and the given variables. */
  async function annotate(
    name: string,
    values: Partial<typeof UNFILTERED> = {},
    range = DAY.main,
  ): Promise<AnnotationRow[]> {
    const sql = expandForPostgres(annotationSql(name), { ...range, values: { ...UNFILTERED, ...values } });
    return (await db.pg.query<AnnotationRow>(sql)).rows;
  }

  const times = (rows: readonly AnnotationRow[]) => rows.map((row) => row.time.toISOString());
  const timesOf = (...specs: EventSpec[]) => specs.map((spec) => new Date(spec.ts).toISOString());

  test('mark each catalogued alert code in the annotation of its category, and in no other', async () => {
    for (const [category, name] of Object.entries(CATEGORY_ANNOTATIONS)) {
      const rows = await annotate(name, { runId: 'run-catalogue' }, DAY.catalogue);

      const codes = rows.map((row) => row.tags.split(',')[2]).sort();
      const catalogued = ALERT_CODES.filter((entry) => entry.category === category).map(
        (entry) => entry.code,
      );
      expect(codes, name).toEqual(catalogued.sort());
    }
  });

  test('mark io.backpressure alerts as guard kicks, with where and what in the text', async () => {
    const rows = await annotate(CATEGORY_ANNOTATIONS.guard);

    expect(rows).toEqual([
      {
        time: new Date(MAIN.guard.ts),
        text: 'SWARM swarm-a moderator mod-1 io.backpressure queue ph.swarm-a.gen over 500',
        tags: 'guard,ERROR,io.backpressure',
      },
    ]);
  });

  test('mark out-of-data and limit-reached alerts as data exhaustion, newest first, with the dataset', async () => {
    const rows = await annotate(CATEGORY_ANNOTATIONS['data-exhaustion']);

    expect(times(rows)).toEqual(timesOf(MAIN.hiveScope, MAIN.otherSwarm, MAIN.limitReached, MAIN.outOfData));
    expect(rows.slice(2)).toEqual([
      {
        time: new Date(MAIN.limitReached.ts),
        text: 'SWARM swarm-a generator gen-1 generator.limit-reached maxMessages reached',
        tags: 'data-exhausted,ERROR,generator.limit-reached',
      },
      {
        time: new Date(MAIN.outOfData.ts),
        text: 'SWARM swarm-a generator gen-1 io.out-of-data redis:users Out of data',
        tags: 'data-exhausted,ERROR,io.out-of-data',
      },
    ]);
  });

  test('mark work-phase exceptions, downstream errors and worker-error entries as data-path failures', async () => {
    const rows = await annotate(CATEGORY_ANNOTATIONS['data-path-failure']);

    expect(times(rows)).toEqual(timesOf(MAIN.otherRun, MAIN.workerError, MAIN.downstream, MAIN.workFailure));
    expect(rows.slice(1)).toEqual([
      {
        time: new Date(MAIN.workerError.ts),
        text: 'SWARM swarm-a processor proc-1 worker-error errors +3',
        tags: 'data-path,ERROR,worker-error',
      },
      {
        time: new Date(MAIN.downstream.ts),
        text: 'SWARM swarm-a postprocessor pp-1 io.downstream-error insert failed',
        tags: 'data-path,ERROR,io.downstream-error',
      },
      {
        time: new Date(MAIN.workFailure.ts),
        text: 'SWARM swarm-a processor proc-1 runtime.exception java.net.SocketTimeoutException connect timed out',
        tags: 'data-path,ERROR,runtime.exception',
      },
    ]);
  });

  test('mark none of the near misses: other codes, phases, kinds or case, words in a message, outside the range', async () => {
    const marked = new Set<string>();
    for (const name of EVENT_ANNOTATIONS) for (const time of times(await annotate(name))) marked.add(time);

    expect(NEAR_MISSES.filter((spec) => marked.has(new Date(spec.ts).toISOString()))).toEqual([]);
    expect(marked.size).toBe(Object.keys(MAIN).length);
  });

  test('can be read from the partial index of WARN/ERROR events', async () => {
    const client = await db.pg.connect();
    try {
      const { rows: children } = await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'idx_journal_event_errors_ts_id'::regclass`,
      );
      const errorIndexes = new Set(['idx_journal_event_errors_ts_id', ...children.map((row) => row.name)]);
      await client.query('SET enable_seqscan = off');
      for (const name of EVENT_ANNOTATIONS) {
        const sql = expandForPostgres(annotationSql(name), { ...DAY.main, values: UNFILTERED });
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`);

        const used = [...JSON.stringify(rows[0]?.['QUERY PLAN']).matchAll(/"Index Name":"([^"]+)"/g)];
        expect(used.length, name).toBeGreaterThan(0);
        expect(
          used.every((match) => errorIndexes.has(match[1] as string)),
          `${name}: ${used.map((m) => m[1])}`,
        ).toBe(true);
      }
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });

  test('keep to the swarm, scope, run and correlation the variables name', async () => {
    const exhaustion = CATEGORY_ANNOTATIONS['data-exhaustion'];
    const dataPath = CATEGORY_ANNOTATIONS['data-path-failure'];

    expect(times(await annotate(exhaustion, { swarmId: 'swarm-a' }))).toEqual(
      timesOf(MAIN.hiveScope, MAIN.limitReached, MAIN.outOfData),
    );
    expect(times(await annotate(exhaustion, { swarmId: 'swarm-b' }))).toEqual(timesOf(MAIN.otherSwarm));
    expect(times(await annotate(exhaustion, { scope: 'HIVE' }))).toEqual(timesOf(MAIN.hiveScope));
    expect(times(await annotate(exhaustion, { scope: 'SWARM' }))).toEqual(
      timesOf(MAIN.otherSwarm, MAIN.limitReached, MAIN.outOfData),
    );
    expect(times(await annotate(dataPath, { runId: 'run-1' }))).toEqual(
      timesOf(MAIN.workerError, MAIN.downstream, MAIN.workFailure),
    );
    expect(times(await annotate(dataPath, { correlationId: 'corr-work' }))).toEqual(
      timesOf(MAIN.workFailure),
    );
  });

  test.each(HOSTILE_VALUES.map((value, i) => [JSON.stringify(value), value, i] as const))(
    'take %s in the id variables as a value: exactly its own event, in the annotations and the journal',
    async (_, value, i) => {
      const values = { swarmId: value, runId: value, correlationId: value };

      for (const name of EVENT_ANNOTATIONS) {
        const own =
          name === CATEGORY_ANNOTATIONS['data-exhaustion'] ? [new Date(hostileTs(i)).toISOString()] : [];
        expect(times(await annotate(name, values, DAY.hostile)), name).toEqual(own);
      }
      const journal = queries.find((query) => query.where === 'panel "Journal, newest first"')?.sql ?? '';
      const sql = expandForPostgres(journal, { ...DAY.hostile, values: { ...UNFILTERED, ...values } });
      const { rows } = await db.pg.query<{ id: string }>(sql);
      expect(rows.map((row) => Number(row.id))).toEqual([hostileIds[i]]);
    },
  );

  test.each(
    [...HOSTILE_VALUES, LONG_VALUE].map((value) => [JSON.stringify(value).slice(0, 40), value] as const),
  )('run every query with %s in every variable: no SQL error, the table intact', async (_, value) => {
    const values = Object.fromEntries(declared.map((name) => [name, value]));

    for (const { where, sql } of queries) {
      const { rows } = await db.pg.query(expandForPostgres(sql, { ...DAY.hostile, values }));
      if (EVENT_ANNOTATIONS.some((name) => where === `annotation "${name}"`)) expect(rows, where).toEqual([]);
    }
    const { rows } = await db.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_event');
    expect(rows[0]?.n).toBe(eventCount);
  });

  test('a value holding a macro call fails the query, as Grafana expands macros inside literals; it never widens it', async () => {
    for (const value of ['$__timeFilter(ts)', 'x$__timeFrom()y', "$__timeTo()' OR '1'='1"]) {
      for (const name of EVENT_ANNOTATIONS) {
        await expect(annotate(name, { swarmId: value }), `${name} ${value}`).rejects.toThrow(/syntax error/);
      }
    }
    const { rows } = await db.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_event');
    expect(rows[0]?.n).toBe(eventCount);
  });
});
