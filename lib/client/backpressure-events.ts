import type { JournalEventInput, JournalScope } from '../journal/event-schema.ts';
import type { DropCounts } from './backpressure-tracker.ts';

/** Who the client's own events are from: the journal and subject of its backpressure markers. */
export interface JournalWriter {
  readonly journalScope: JournalScope;
  readonly swarmId: string;
  readonly runId: string;
  readonly role: string;
  readonly instance: string;
  readonly origin: string;
}

/**
 * PocketHive's hive journal writer (PostgresHiveJournal.newDropEvent): swarm "hive", subject
 * orchestrator/journal, origin orchestrator. Run id "hive", as hive-wide entries use.
 */
export const HIVE_JOURNAL_WRITER: JournalWriter = {
  journalScope: 'HIVE',
  swarmId: 'hive',
  runId: 'hive',
  role: 'orchestrator',
  instance: 'journal',
  origin: 'orchestrator',
};

export const BACKPRESSURE_START_TYPE = 'journal-backpressure-start';
export const BACKPRESSURE_STOP_TYPE = 'journal-backpressure-stop';

interface MarkerIdentity {
  readonly eventUid: string;
  readonly timestamp: string;
}

/** `journal-backpressure-start`: kind infra, WARN, LOCAL, data `{policy: "dropping INFO"}` as PocketHive writes it. */
export function backpressureStartEvent(writer: JournalWriter, identity: MarkerIdentity): JournalEventInput {
  return markerEvent(writer, identity, BACKPRESSURE_START_TYPE, { policy: 'dropping INFO' });
}

/**
 * `journal-backpressure-stop`: PocketHive's `data.droppedInfo`, plus the other severities dropped
 * (`droppedDebug`, `droppedWarn`, `droppedError`), since this client may drop those too.
 */
export function backpressureStopEvent(
  writer: JournalWriter,
  identity: MarkerIdentity,
  dropped: DropCounts,
): JournalEventInput {
  return markerEvent(writer, identity, BACKPRESSURE_STOP_TYPE, {
    droppedInfo: dropped.INFO,
    droppedDebug: dropped.DEBUG,
    droppedWarn: dropped.WARN,
    droppedError: dropped.ERROR,
  });
}

function markerEvent(
  writer: JournalWriter,
  identity: MarkerIdentity,
  type: string,
  data: Record<string, string | number>,
): JournalEventInput {
  return {
    eventUid: identity.eventUid,
    timestamp: identity.timestamp,
    journalScope: writer.journalScope,
    scope: { swarmId: writer.swarmId, role: writer.role, instance: writer.instance },
    swarmId: writer.swarmId,
    runId: writer.runId,
    severity: 'WARN',
    direction: 'LOCAL',
    kind: 'infra',
    type,
    origin: writer.origin,
    data,
  };
}
