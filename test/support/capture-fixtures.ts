import { randomUUID } from 'node:crypto';
import type { TimeBudget } from '../../lib/maintenance/time-budget.ts';
import type { Clock } from '../../lib/ports/clock.ts';
import { ingestMessages } from '../../lib/use-cases/ingest-messages.ts';
import type { Operator } from '../../lib/use-cases/journal-operator-action.ts';
import {
  DEFAULT_MAINTENANCE_SETTINGS,
  type MaintenanceSettings,
} from '../../lib/use-cases/run-maintenance.ts';
import { envelope, journalEntry } from './journal-event-factory.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * createTestDatabase, with its pg pool's 'error' events absorbed: pg-pool's end() resolves before its
 * connections have closed, so the database's DROP ... WITH (FORCE) can terminate one that is still
 * closing, and the pool re-emits that as an unhandled 'error' (FATAL 57P01) that fails the run.
 */
export async function createCaptureTestDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  db.pg.on('error', () => {});
  return db;
}

/** A clock the test moves by hand. */
export interface ManualClock extends Clock {
  set(instant: string | Date): void;
}

export function manualClock(start: string): ManualClock {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (instant) => {
      now = new Date(instant);
    },
  };
}

/** The operator of pins and unpins a test makes through the use cases rather than the API. */
export const testOperator: Operator = { actor: 'vitest', traceId: null };

/** A budget with room for `steps` checks, then none: interrupts work at a chosen point. */
export function stepBudget(steps: number): TimeBudget {
  let left = steps;
  return {
    remainingMs: () => {
      left -= 1;
      return left >= 0 ? 60_000 : 0;
    },
  };
}

export const unlimitedBudget: TimeBudget = { remainingMs: () => 60_000 };

/** Maintenance settings for tests: small chunks so bounded loops really loop. */
export function testMaintenanceSettings(overrides: Partial<MaintenanceSettings> = {}): MaintenanceSettings {
  return {
    ...DEFAULT_MAINTENANCE_SETTINGS,
    archive: { chunkRows: 25, quietMs: 30 * 60_000 },
    drainChunkRows: 20,
    ...overrides,
  };
}

/** Stores entries through the ingest use case, as the queue would deliver them. */
export async function ingest(db: TestDatabase, entries: readonly Record<string, unknown>[]): Promise<void> {
  for (let start = 0; start < entries.length; start += 200) {
    const report = await ingestMessages({ sql: db.sql, clock: { now: () => new Date() } }, [
      { messageId: randomUUID(), body: envelope(entries.slice(start, start + 200)) },
    ]);
    const failed = [...report.outcomes.values()].find((outcome) => outcome.status !== 'stored');
    if (failed !== undefined) throw new Error(`ingest failed: ${JSON.stringify(failed)}`);
  }
}

const SEVERITY_CYCLE = ['INFO', 'DEBUG', 'WARN', 'INFO', 'ERROR'] as const;

/**
 * `count` events of a run on one UTC day, one a minute from 01:00Z, with a mix of severities and
 * payloads (data, raw, extra) so that every capture mode has something to keep and to drop.
 */
export function dayOfEvents(
  day: string,
  count: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) =>
    journalEntry({
      timestamp: new Date(Date.parse(`${day}T01:00:00.000Z`) + index * 60_000).toISOString(),
      severity: SEVERITY_CYCLE[index % SEVERITY_CYCLE.length],
      kind: 'local',
      type: 'worker-status',
      data: { index },
      raw: { envelope: `raw-${index}` },
      extra: { note: `extra-${index}` },
      ...overrides,
    }),
  );
}

/** A lifecycle event of a run: swarm-start / -stop outcomes set journal_run's state. */
export function lifecycleEvent(
  at: string,
  type: 'swarm-start' | 'swarm-stop',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return journalEntry({
    timestamp: at,
    kind: 'outcome',
    type,
    severity: 'INFO',
    data: { status: type === 'swarm-start' ? 'Running' : 'Stopped' },
    ...overrides,
  });
}

/** Days with a daily partition attached, oldest first. */
export async function partitionDays(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pg.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'journal_event'::regclass AND c.relname <> 'journal_event_default' ORDER BY 1`,
  );
  return rows.map((row) => row.name.replace(/^journal_event_p(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3'));
}

/** SWARM events per partition, as {partition: count}. */
export async function swarmRowsByPartition(db: TestDatabase): Promise<Record<string, number>> {
  const { rows } = await db.pg.query<{ partition: string; n: number }>(
    `SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM journal_event
     WHERE scope = 'SWARM' GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [row.partition, row.n]));
}

/** Creates the partition of a day directly (arranging, not under test). */
export async function createPartition(db: TestDatabase, day: string): Promise<void> {
  await db.pg.query('SELECT journal_ensure_partition($1::date)', [day]);
}

/** The day `days` after `day` (YYYY-MM-DD). */
export function dayAfter(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
