import { setTimeout as sleep } from 'node:timers/promises';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseResumingException,
  ExecuteStatementCommand,
  HttpEndpointNotEnabledException,
  type RDSDataClient,
} from '@aws-sdk/client-rds-data';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { DataApiSqlClient } from '../../lib/db/data-api-sql-client.ts';
import { SqlUnavailableError } from '../../lib/db/sql-errors.ts';
import type { ClusterState } from '../../local/data-api/auto-pause.ts';
import {
  type LocalDataApi,
  type LocalDataApiOptions,
  startLocalDataApi,
} from '../../local/data-api/start-local-data-api.ts';
import { createTestDatabase, localDataApiClient, type TestDatabase } from '../support/test-database.ts';

/**
 * Aurora Serverless v2 auto-pause behind the local Data API, as the unmodified SDK client sees it:
 * idle -> paused (PostgreSQL connections really closed) -> a request resumes it and is refused with
 * DatabaseResumingException, as is every request until the resume is over.
 */

const IDLE_MS = 300;
const RESUME_MS = 300;

let db: TestDatabase;
let api: LocalDataApi | undefined;
let client: RDSDataClient | undefined;
let states: ClusterState[];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

afterEach(async () => {
  client?.destroy();
  await api?.close();
  api = undefined;
  client = undefined;
});

async function startPausingApi(options: Partial<LocalDataApiOptions> = {}): Promise<LocalDataApi> {
  states = [];
  api = await startLocalDataApi({
    serverUrl: inject('postgresServerUrl'),
    autoPause: { afterIdleMs: IDLE_MS, resumeMs: RESUME_MS },
    onStateChange: (state) => states.push(state),
    ...options,
  });
  client = localDataApiClient(api.endpoint);
  return api;
}

function started(): { api: LocalDataApi; client: RDSDataClient } {
  if (api === undefined || client === undefined) throw new Error('start the API first');
  return { api, client };
}

function execute(sql: string, overrides: { resourceArn?: string } = {}) {
  const { api, client } = started();
  const { resourceArn, secretArn } = api;
  return client.send(
    new ExecuteStatementCommand({ resourceArn, secretArn, database: db.name, sql, ...overrides }),
  );
}

async function beginTransaction(): Promise<string | undefined> {
  const { api, client } = started();
  const { resourceArn, secretArn } = api;
  const { transactionId } = await client.send(
    new BeginTransactionCommand({ resourceArn, secretArn, database: db.name }),
  );
  return transactionId;
}

async function commitTransaction(transactionId: string | undefined): Promise<void> {
  const { api, client } = started();
  const { resourceArn, secretArn } = api;
  await client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId }));
}

/** Backends connected to the test database, counted from outside the Data API. */
async function backendsOfTestDatabase(): Promise<number> {
  const admin = new pg.Client({ connectionString: `${inject('postgresServerUrl')}/postgres` });
  await admin.connect();
  try {
    const result = await admin.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1',
      [db.name],
    );
    return result.rows[0]?.count ?? 0;
  } finally {
    await admin.end();
  }
}

const untilState = (target: LocalDataApi, state: ClusterState) =>
  vi.waitFor(() => expect(target.state()).toBe(state), { timeout: 10_000, interval: 20 });

describe('auto-pause of the local Data API', () => {
  test('pauses after the idle time and closes its PostgreSQL connections', async () => {
    const local = await startPausingApi();
    await execute('SELECT 1');
    expect(await backendsOfTestDatabase()).toBeGreaterThan(0);

    await untilState(local, 'paused');

    await vi.waitFor(async () => expect(await backendsOfTestDatabase()).toBe(0), {
      timeout: 5_000,
      interval: 50,
    });
  });

  test('answers the request that finds the cluster paused with DatabaseResumingException', async () => {
    const local = await startPausingApi();
    await untilState(local, 'paused');

    const rejection = execute('SELECT 1');

    await expect(rejection).rejects.toBeInstanceOf(DatabaseResumingException);
    await expect(rejection).rejects.toMatchObject({
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: `The Aurora DB instance ${local.resourceArn} is resuming after being auto-paused. Please wait a few seconds and try again.`,
    });
    expect(local.state()).toBe('resuming');
  });

  test('refuses every request while the resume lasts', async () => {
    const local = await startPausingApi({ autoPause: { afterIdleMs: IDLE_MS, resumeMs: 60_000 } });
    await untilState(local, 'paused');
    await execute('SELECT 1').catch(() => {});

    const answers = await Promise.allSettled([execute('SELECT 1'), execute('SELECT 2'), execute('SELECT 3')]);

    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const answer of answers) {
      expect(answer.status === 'rejected' && answer.reason).toBeInstanceOf(DatabaseResumingException);
    }
    expect(local.state()).toBe('resuming');
  });

  test('serves requests again once the resume is over', async () => {
    const local = await startPausingApi();
    await untilState(local, 'paused');
    await expect(execute('SELECT 1')).rejects.toBeInstanceOf(DatabaseResumingException);

    await untilState(local, 'available');
    const result = await execute('SELECT 41 + 1 AS answer');

    expect(result.records).toEqual([[{ longValue: 42 }]]);
    expect(states).toEqual(['paused', 'resuming', 'available']);
  });

  test('never pauses while requests keep arriving, each well within the idle time', async () => {
    const local = await startPausingApi();
    const started = Date.now();

    while (Date.now() - started < 4 * IDLE_MS) {
      await execute('SELECT 1');
      await sleep(IDLE_MS / 10);
    }

    expect(states).toEqual([]);
    expect(local.state()).toBe('available');
  });

  test('never pauses while a statement is running', async () => {
    const local = await startPausingApi();

    await execute(`SELECT pg_sleep(${(4 * IDLE_MS) / 1000})`);

    expect(states).toEqual([]);
    expect(local.state()).toBe('available');
  });

  test('stays awake while a transaction is open and pauses once it ends', async () => {
    const local = await startPausingApi();
    const transactionId = await beginTransaction();

    await sleep(4 * IDLE_MS);
    expect(states).toEqual([]);
    expect(await backendsOfTestDatabase()).toBeGreaterThan(0);

    await commitTransaction(transactionId);
    await untilState(local, 'paused');
  });

  test('pauses once an abandoned transaction has expired', async () => {
    const local = await startPausingApi({ limits: { transactionIdleTimeoutMs: 3 * IDLE_MS } });
    await beginTransaction();

    await untilState(local, 'paused');

    expect(states).toEqual(['paused']);
  });

  // What lib/db does with it today: no retry of its own (nor does the SDK's standard strategy retry a
  // 400 client fault); it surfaces as the port's retryable "unavailable" error (HTTP 503 in the API).
  test('reaches the production adapter as a retryable SqlUnavailableError', async () => {
    const local = await startPausingApi();
    await untilState(local, 'paused');
    const sql = new DataApiSqlClient(started().client, {
      resourceArn: local.resourceArn,
      secretArn: local.secretArn,
      database: db.name,
    });

    const rejection = sql.execute('SELECT 1');

    await expect(rejection).rejects.toBeInstanceOf(SqlUnavailableError);
    await expect(rejection).rejects.toMatchObject({ retryable: true, status: 503 });
  });

  test('is not woken by a request for another cluster', async () => {
    const local = await startPausingApi();
    await untilState(local, 'paused');

    const rejection = execute('SELECT 1', {
      resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:other',
    });

    await expect(rejection).rejects.toBeInstanceOf(HttpEndpointNotEnabledException);
    expect(local.state()).toBe('paused');
  });
});

describe('the Data API adapter with a retry budget, on a pausing cluster', () => {
  const sqlClient = (remainingMs: () => number, episodes: string[]) => {
    const { api: local, client: sdk } = started();
    return new DataApiSqlClient(
      sdk,
      { resourceArn: local.resourceArn, secretArn: local.secretArn, database: db.name },
      {
        retry: {
          remainingMs,
          onEpisodeStart: (error) => episodes.push(`start ${error.name}`),
          onEpisodeEnd: (end) => episodes.push(end.recovered ? 'recovered' : 'gave up'),
        },
      },
    );
  };

  test('rides out the resume: a transaction begun on a paused cluster succeeds, the episode is told once', async () => {
    const local = await startPausingApi({ autoPause: { afterIdleMs: IDLE_MS, resumeMs: 1_500 } });
    await untilState(local, 'paused');
    const episodes: string[] = [];
    const sql = sqlClient(() => 10_000, episodes);

    const { rows } = await sql.transaction((tx) => tx.execute<{ one: number }>('SELECT 1 AS one'));

    expect(rows).toEqual([{ one: 1 }]);
    expect(episodes).toEqual(['start DatabaseResumingException', 'recovered']);
  }, 30_000);

  test('past the budget, fails as the port says: SqlUnavailableError', async () => {
    const local = await startPausingApi({ autoPause: { afterIdleMs: IDLE_MS, resumeMs: 60_000 } });
    await untilState(local, 'paused');
    const episodes: string[] = [];
    const deadline = Date.now() + 800;
    const sql = sqlClient(() => Math.max(0, deadline - Date.now()), episodes);

    await expect(sql.execute('SELECT 1')).rejects.toBeInstanceOf(SqlUnavailableError);
    expect(episodes).toEqual(['start DatabaseResumingException', 'gave up']);
  });
});
