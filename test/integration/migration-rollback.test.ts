import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { applyMigrations, pendingMigrations } from '../../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import { checkHealth } from '../../lib/use-cases/check-health.ts';
import { ingestMessages } from '../../lib/use-cases/ingest-messages.ts';
import { createPartition } from '../support/capture-fixtures.ts';
import {
  captureReleaseStatements,
  currentVersion,
  describeFailures,
  formatSnapshot,
  previousReleaseVersion,
  readSnapshot,
  replayStatements,
  snapshotExists,
} from '../support/release-statements.ts';
import { EXPIRED_DAY, expiredMessage, releaseMessages, WORKLOAD_NOW } from '../support/release-workload.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * Data written by the current code, for the previous release's statements to read and write beside:
 * the workload's events, in DEFAULT (for maintenance's drain), and an event in a partition of the
 * expired day (for its drop: the replay has no maintenance run before it to drain that day).
 */
async function seed(db: TestDatabase): Promise<void> {
  await createPartition(db, EXPIRED_DAY);
  await ingestMessages({ sql: db.sql, clock: { now: () => new Date(WORKLOAD_NOW) } }, [
    ...releaseMessages(2),
    expiredMessage(2),
  ]);
}

// The schema is every current migration (the test databases are clones of the migrated template).
describe("the previous release's statements on the current schema", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seed(db);
  });
  afterAll(async () => {
    await db.drop();
  });

  test('every read and ingest statement of the previous release still runs', async () => {
    const version = previousReleaseVersion();

    const failures = await replayStatements(db.sql, readSnapshot(version));

    expect(
      failures,
      `statements of release ${version} fail on the current schema (docs/migrations.md):\n${describeFailures(failures)}`,
    ).toEqual([]);
  });

  test('the check reports the statements a column rename breaks, by use case and error', async () => {
    const renamed = await createTestDatabase();
    try {
      await seed(renamed);
      await renamed.pg.query('ALTER TABLE journal_event RENAME COLUMN routing_key TO x');

      const failures = await replayStatements(renamed.sql, readSnapshot(previousReleaseVersion()));

      const sources = new Set(failures.map((failure) => failure.source));
      expect([...sources]).toEqual(
        expect.arrayContaining(['ingestMessages', 'readJournalHivePage', 'readJournalSwarmPage', 'pinRun']),
      );
      expect(sources.has('listCaptures')).toBe(false);
      // Maintenance archives with pinRun's statements (kept under pinRun, the first to send them),
      // and its drains and drops move whole rows and tables: none of its own names the column.
      expect(sources.has('runMaintenance')).toBe(false);
      expect(describeFailures(failures)).toMatch(/^ingestMessages: .*column "routing_key".* does not exist/m);
    } finally {
      await renamed.drop();
    }
  });

  test("this code's statements are the ones kept for its version", async () => {
    const version = currentVersion();
    const fresh = await createTestDatabase();
    let captured: string;
    try {
      captured = formatSnapshot(await captureReleaseStatements(fresh.sql));
    } finally {
      await fresh.drop();
    }
    const stale = `test/compat/releases/${version}.json is missing or stale: run \`npm run statements:capture\``;

    expect(snapshotExists(version), stale).toBe(true);
    expect(JSON.parse(captured), stale).toEqual(readSnapshot(version));
  });
});

describe('the previous migrate function re-running after a rollback', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  test('applies nothing and finds nothing pending when the ledger holds a newer migration', async () => {
    const current = await readMigrationFiles();
    const previous = current.slice(0, -1);

    const report = await applyMigrations(db.sql, previous);

    expect(report).toEqual({ applied: [], alreadyApplied: previous.map((m) => m.version) });
    expect(await pendingMigrations(db.sql, previous)).toEqual([]);
  });

  test("the previous release's readiness check is ok on the newer schema", async () => {
    const previous = (await readMigrationFiles()).slice(0, -1);

    const report = await checkHealth({ sql: db.sql, migrations: async () => previous });

    expect(report.checks.migrations).toEqual({ status: 'ok', pending: [] });
  });
});
