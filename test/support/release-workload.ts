import type { TimeBudget } from '../../lib/maintenance/time-budget.ts';
import { applyMigrations } from '../../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import type { Clock } from '../../lib/ports/clock.ts';
import type { SqlClient } from '../../lib/ports/sql-client.ts';
import { checkHealth } from '../../lib/use-cases/check-health.ts';
import { ingestMessages, type QueueMessage } from '../../lib/use-cases/ingest-messages.ts';
import type { Operator } from '../../lib/use-cases/journal-operator-action.ts';
import { listCaptures } from '../../lib/use-cases/list-captures.ts';
import { listRuns, listSwarmRuns, type RunsFilter } from '../../lib/use-cases/list-runs.ts';
import { DEFAULT_PIN_SETTINGS, pinRun } from '../../lib/use-cases/pin-run.ts';
import { readJournalHivePage } from '../../lib/use-cases/read-journal-hive-page.ts';
import type { JournalFilter } from '../../lib/use-cases/read-journal-page.ts';
import { readJournalSwarmPage } from '../../lib/use-cases/read-journal-swarm-page.ts';
import { readJournalSwarmTimeline } from '../../lib/use-cases/read-journal-swarm-timeline.ts';
import { readMetrics } from '../../lib/use-cases/read-metrics.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import { unpinCapture } from '../../lib/use-cases/unpin-capture.ts';
import { updateRunMeta } from '../../lib/use-cases/update-run-meta.ts';
import { testMaintenanceSettings } from './capture-fixtures.ts';
import { envelope, journalEntry } from './journal-event-factory.ts';

/** One thing the service does, run by the release workload; `source` names the use case. */
export interface WorkloadStep {
  readonly source: string;
  run(sql: SqlClient): Promise<unknown>;
}

/** "Now" of the whole workload, so every time bound it sends is the same on every run. */
export const WORKLOAD_NOW = '2026-03-02T12:00:00.000Z';
const clock: Clock = { now: () => new Date(WORKLOAD_NOW) };
const operator: Operator = { actor: 'release-workload', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' };
const SWARM = 'swarm-release';
const RUN = 'run-1';
const TRACE = '0af7651916cd43dd8448eb211c80319c';

const minutesAgo = (minutes: number) => new Date(Date.parse(WORKLOAD_NOW) - minutes * 60_000).toISOString();

// Maintenance keeps 14 days; the expired event is 30 days old, so its day is drained out of
// DEFAULT and then dropped on every run, whatever partitions the migration made for the real date.
const RETENTION_DAYS = 14;
const EXPIRED_DAYS_AGO = 30;
// Constant rather than budgetOf: the lease's expiry is now + remaining time, and it is a parameter.
const generousBudget: TimeBudget = { remainingMs: () => 10 * 60_000 };
const noBudget: TimeBudget = { remainingMs: () => 0 };

/**
 * Queue messages of one swarm run and the hive: a lifecycle signal, entries of every severity with
 * trace and correlation ids, a hive entry, and a message that is quarantined. `namespace` keeps the
 * event uids and message ids of two sets apart (the workload's, and a seed the replay reads).
 */
export function releaseMessages(namespace: number): QueueMessage[] {
  const uid = (n: number) =>
    `00000000-0000-4000-8${namespace.toString().padStart(3, '0')}-${n.toString().padStart(12, '0')}`;
  const at = (n: number) => ({ eventUid: uid(n), timestamp: minutesAgo(60 - n - namespace) });
  const swarmEntry = (n: number, overrides: Record<string, unknown>) =>
    journalEntry({ ...at(n), swarmId: SWARM, runId: RUN, correlationId: `corr-${n}`, ...overrides });
  return [
    {
      messageId: `release-${namespace}-1`,
      body: envelope([
        // An earlier run of the swarm, so that the runs index has more than one run.
        swarmEntry(0, { runId: 'run-0' }),
        swarmEntry(1, { kind: 'signal', type: 'swarm-start' }),
        swarmEntry(2, { severity: 'INFO', traceId: TRACE }),
        swarmEntry(3, { severity: 'WARN', traceId: TRACE }),
        swarmEntry(4, { severity: 'ERROR', data: { reason: 'boom' } }),
      ]),
    },
    {
      messageId: `release-${namespace}-2`,
      body: JSON.stringify(
        journalEntry({
          ...at(5),
          scope: 'HIVE',
          swarmId: SWARM,
          runId: RUN,
          kind: 'command',
          type: 'swarm-create',
        }),
      ),
    },
    { messageId: `release-${namespace}-3`, body: '{"not": "an event"}' },
  ];
}

/** The UTC day of expiredMessage's event: past the retention of the workload's maintenance run. */
export const EXPIRED_DAY = minutesAgo(EXPIRED_DAYS_AGO * 24 * 60).slice(0, 10);

/** A queue message with one event of EXPIRED_DAY; `namespace` as in releaseMessages. */
export function expiredMessage(namespace: number): QueueMessage {
  return {
    messageId: `release-${namespace}-expired`,
    body: envelope([
      journalEntry({ timestamp: `${EXPIRED_DAY}T12:00:00.000Z`, swarmId: SWARM, runId: 'run-expired' }),
    ]),
  };
}

const pageFilter: JournalFilter = {
  correlationId: 'corr-3',
  traceId: TRACE,
  kinds: ['signal'],
  types: ['config-update'],
  severities: ['WARN', 'ERROR'],
  errorsOnly: true,
  since: { agoMs: 2 * 60 * 60_000 },
  until: { at: WORKLOAD_NOW },
};

const everyRunFilter: RunsFilter = {
  swarmId: SWARM,
  runId: RUN,
  pinnedOnly: true,
  afterTs: new Date(minutesAgo(120)),
  scenarioId: 'scenario',
  testPlan: 'plan',
  tags: ['tag'],
  q: 'release',
  limit: 10,
};

/**
 * What the service does, through its use cases: ingest a batch, then every read and write the API
 * serves, then what the migrate and readiness code run, then one maintenance run with work of every
 * kind. Each page filter is used at least once (a page statement's text depends on which filters it
 * has), not every combination of them.
 */
export function releaseWorkload(): WorkloadStep[] {
  const read = (sql: SqlClient) => ({ sql, clock });
  let captureId = '';
  return [
    { source: 'ingestMessages', run: (sql) => ingestMessages({ sql, clock }, releaseMessages(1)) },
    {
      source: 'readJournalHivePage',
      run: async (sql) => {
        const first = await readJournalHivePage(read(sql), { filter: {}, before: null, limit: 1 });
        await readJournalHivePage(read(sql), { filter: {}, before: first.nextCursor, limit: 1 });
        await readJournalHivePage(read(sql), {
          filter: { ...pageFilter, swarmId: SWARM, runId: RUN },
          before: null,
          limit: 10,
        });
      },
    },
    {
      source: 'readJournalSwarmPage',
      run: async (sql) => {
        await readJournalSwarmPage(read(sql), SWARM, { filter: {}, before: null, limit: 2 });
        await readJournalSwarmPage(read(sql), SWARM, {
          runId: RUN,
          filter: pageFilter,
          before: null,
          limit: 10,
        });
      },
    },
    {
      source: 'readJournalSwarmTimeline',
      run: (sql) => readJournalSwarmTimeline(read(sql), SWARM, { filter: {}, limit: 100 }),
    },
    {
      source: 'listRuns',
      run: async (sql) => {
        await listRuns({ sql, clock }, { pinnedOnly: false, tags: [], limit: 10 });
        await listRuns({ sql, clock }, everyRunFilter);
        // A one-byte chunk budget makes even this list span chunks: the repeatable-read path.
        await listRuns(
          { sql, clock },
          { pinnedOnly: false, tags: [], limit: 10 },
          { chunkBytes: 1, maxJsonBytes: 1e6 },
        );
        await listSwarmRuns(
          { sql, clock },
          { swarmId: 'swarm-unknown', pinnedOnly: false, tags: [], limit: 10 },
        );
      },
    },
    {
      source: 'updateRunMeta',
      run: (sql) =>
        updateRunMeta(
          { sql, clock },
          { runId: RUN, meta: { testPlan: 'plan', description: 'release', tags: ['tag'] }, operator },
        ),
    },
    {
      source: 'pinRun',
      run: async (sql) => {
        captureId = (await pinRun({ sql, clock }, { swarmId: SWARM, runId: RUN, mode: 'FULL', operator }))
          .capture.captureId;
        // The same pin again finds the capture.
        await pinRun({ sql, clock }, { swarmId: SWARM, mode: 'FULL', operator });
      },
    },
    {
      source: 'readJournalSwarmPage',
      // A pinned run is read from its archive.
      run: (sql) =>
        readJournalSwarmPage(read(sql), SWARM, { runId: RUN, filter: pageFilter, before: null, limit: 10 }),
    },
    {
      source: 'listCaptures',
      run: (sql) => listCaptures({ sql }, { swarmId: SWARM, runId: RUN, statuses: ['complete'], limit: 10 }),
    },
    { source: 'unpinCapture', run: (sql) => unpinCapture({ sql, clock }, { captureId, operator }) },
    { source: 'readMetrics', run: (sql) => readMetrics({ sql, clock }) },
    { source: 'checkHealth', run: (sql) => checkHealth({ sql, migrations: readMigrationFiles }) },
    // The migrate function runs on every deploy, and its previous version on a rollback.
    { source: 'applyMigrations', run: async (sql) => applyMigrations(sql, await readMigrationFiles()) },
    // What maintenance finds to do: a capture that the pin did not archive, an unpin that left its
    // deletion to maintenance, and events past the retention in DEFAULT (no partition of their day).
    {
      source: 'pinRun',
      run: (sql) =>
        pinRun(
          { sql, clock, settings: { ...DEFAULT_PIN_SETTINGS, syncMaxRows: 0 } },
          { swarmId: SWARM, runId: 'run-0', mode: 'SLIM', operator },
        ),
    },
    {
      source: 'pinRun',
      run: async (sql) => {
        captureId = (await pinRun({ sql, clock }, { swarmId: SWARM, runId: RUN, mode: 'FULL', operator }))
          .capture.captureId;
      },
    },
    {
      source: 'unpinCapture',
      run: (sql) => unpinCapture({ sql, clock }, { captureId, operator, budget: noBudget }),
    },
    { source: 'ingestMessages', run: (sql) => ingestMessages({ sql, clock }, [expiredMessage(1)]) },
    {
      source: 'runMaintenance',
      // Today's DEFAULT rows and the expired day are drained, the days up to daysAhead created, run-0
      // archived, run-1's capture deleted, the expired day's partition dropped.
      run: (sql) =>
        runMaintenance({
          sql,
          clock,
          budget: generousBudget,
          settings: testMaintenanceSettings({ retentionDays: RETENTION_DAYS, daysAhead: 3 }),
        }),
    },
  ];
}
