import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { expandForPostgres, sqlOfDashboard, unsafeInterpolations, variablesOf } from './grafana-sql.ts';

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

  test('annotates WARN/ERROR, lifecycle, backpressure, guards and data exhaustion', () => {
    expect(dashboard.annotations.list.map((annotation: { name: string }) => annotation.name)).toEqual([
      'Annotations & Alerts',
      'WARN / ERROR',
      'Swarm lifecycle',
      'Journal backpressure',
      'Guard / queue overfill',
      'Data exhaustion',
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
