import type { Severity } from '../journal/event-schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { ingestMessages } from '../use-cases/ingest-messages.ts';

/**
 * What maintenance did, as it appears in the hive journal: HIVE-scope events of kind `infra`
 * (swarmId "hive", as PocketHive writes hive-wide entries), one per action, with the maintenance
 * run's id as runId so one run's actions can be read together.
 */
export type InfraAction =
  | { readonly type: 'journal-partition-created'; readonly partition: string; readonly day: string }
  | {
      readonly type: 'journal-partition-drained';
      readonly partition: string;
      readonly day: string;
      readonly rows: number;
      readonly statements: number;
    }
  | {
      readonly type: 'journal-partition-dropped';
      readonly partition: string;
      readonly day: string;
      readonly rows: number;
      readonly retentionDays: number;
      /** Events of pinned captures copied to the archive in the drop's own transaction. */
      readonly archivedBeforeDrop: number;
    }
  | {
      /** A partition drop retired `runs` runs it left without an event (not pinned) from journal_run. */
      readonly type: 'journal-runs-retired';
      readonly partition: string;
      readonly day: string;
      readonly runs: number;
    }
  | {
      readonly type: 'journal-partition-drop-deferred';
      readonly partition: string;
      readonly day: string;
      readonly reason: string;
      readonly captureIds: readonly string[];
    }
  | {
      readonly type: 'journal-capture-archived';
      readonly captureId: string;
      readonly swarmId: string;
      readonly runId: string;
      readonly mode: string;
      readonly inserted: number;
      readonly entries: number;
      readonly status: string;
    }
  | {
      readonly type: 'journal-capture-failed';
      readonly captureId: string;
      readonly swarmId: string;
      readonly runId: string;
      readonly error: string;
    };

/** Where maintenance journals its actions. */
export interface InfraJournal {
  record(action: InfraAction): Promise<void>;
}

/** The origin of every maintenance event. */
export const MAINTENANCE_ORIGIN = 'hive-journal-maintenance';

const SEVERITY: Readonly<Record<InfraAction['type'], Severity>> = {
  'journal-partition-created': 'INFO',
  'journal-partition-drained': 'INFO',
  'journal-partition-dropped': 'INFO',
  'journal-runs-retired': 'INFO',
  'journal-partition-drop-deferred': 'WARN',
  'journal-capture-archived': 'INFO',
  'journal-capture-failed': 'ERROR',
};

/**
 * Journals each action through the ingest path (the same validation and store statement as events
 * from the queue). Message ids are `maintenance:<run>:<n>`, so the derived event uids are stable and
 * a retried write stores an action once. A write that fails throws: the action happened, and
 * maintenance stops rather than carry on unseen.
 */
export function infraJournal(
  deps: { readonly sql: SqlClient; readonly clock: Clock },
  maintenanceRunId: string,
): InfraJournal {
  let sequence = 0;
  return {
    async record(action) {
      sequence += 1;
      const messageId = `maintenance:${maintenanceRunId}:${sequence}`;
      const report = await ingestMessages(deps, [{ messageId, body: JSON.stringify(entryOf(action)) }]);
      const outcome = report.outcomes.get(messageId);
      if (outcome?.status === 'failed') throw outcome.error;
      if (outcome?.status !== 'stored') {
        throw new Error(`Maintenance event ${action.type} was not stored: ${JSON.stringify(outcome)}`);
      }
    },
  };

  function entryOf(action: InfraAction): Record<string, unknown> {
    const { type, ...data } = action;
    // Capture events name the swarm they are about in scope.swarmId (PocketHive's ControlScope).
    const scope =
      'swarmId' in action
        ? { scope: { swarmId: action.swarmId, role: 'ALL', instance: 'ALL' }, journalScope: 'HIVE' }
        : { scope: 'HIVE' };
    return {
      timestamp: deps.clock.now().toISOString(),
      ...scope,
      swarmId: 'hive',
      runId: maintenanceRunId,
      severity: SEVERITY[type],
      direction: 'LOCAL',
      kind: 'infra',
      type,
      origin: MAINTENANCE_ORIGIN,
      data,
    };
  }
}
