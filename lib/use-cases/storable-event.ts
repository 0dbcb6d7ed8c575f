import type { JournalEvent, PayloadField } from '../journal/event-schema.ts';
import {
  type JsonTextTally,
  jsonTextBytes,
  tallyContainer,
  tallyMemberKey,
  tallyString,
} from '../journal/jsonb-text-size.ts';
import { lifecycleStateOf } from '../journal/run-lifecycle.ts';
import { scenarioIdOf } from '../journal/run-scenario.ts';

/** One journal_event row as the store statement reads it from its JSON parameter (column names). */
export interface StorableEvent {
  readonly event_uid: string;
  readonly ts: string;
  readonly scope: string;
  readonly swarm_id: string;
  readonly scope_swarm_id: string | null;
  readonly run_id: string;
  readonly scope_role: string;
  readonly scope_instance: string;
  readonly severity: string;
  readonly direction: string;
  readonly kind: string;
  readonly type: string;
  readonly origin: string;
  readonly correlation_id: string | null;
  readonly idempotency_key: string | null;
  readonly routing_key: string | null;
  readonly data: unknown;
  readonly raw: unknown;
  readonly extra: unknown;
  readonly trace_id: string | null;
  readonly actor: string | null;
  readonly namespace_path: readonly string[] | null;
  /** The run state a swarm-scope lifecycle event implies; not a column, it feeds journal_run. */
  readonly lifecycle_state: string | null;
  /**
   * The template a lifecycle event says its run was created from, of either journal (the
   * orchestrator's create command is a hive event); not a column, it feeds journal_run.scenario_id.
   */
  readonly scenario_id: string | null;
}

/** Maps a validated event to its row. */
export function toStorableEvent(event: JournalEvent): StorableEvent {
  return {
    event_uid: event.eventUid,
    ts: event.timestamp,
    scope: event.scope,
    swarm_id: event.swarmId,
    scope_swarm_id: event.scopeSwarmId,
    run_id: event.runId,
    scope_role: event.role,
    scope_instance: event.instance,
    severity: event.severity,
    direction: event.direction,
    kind: event.kind,
    type: event.type,
    origin: event.origin,
    correlation_id: event.correlationId,
    idempotency_key: event.idempotencyKey,
    routing_key: event.routingKey,
    data: event.data,
    raw: event.raw,
    extra: event.extra,
    trace_id: event.traceId,
    actor: event.actor,
    namespace_path: event.namespacePath.length > 0 ? event.namespacePath : null,
    lifecycle_state: event.scope === 'SWARM' ? lifecycleStateOf(event) : null,
    scenario_id: scenarioIdOf(event),
  };
}

/**
 * The row's JSON text embedded in a JSON string, in bytes (JsonTextBytes.embedded): what it adds to the
 * statement's request. Its payloads come measured (`payloadTextBytes`, from parsing), so they are not
 * walked again; the row is never serialised to be measured.
 */
export function storableEventTextBytes(
  row: StorableEvent,
  payloadTextBytes: Readonly<Record<PayloadField, number>>,
): number {
  const tally: JsonTextTally = { jsonb: 0, embedded: 0 };
  const columns = row as unknown as Record<string, unknown>;
  let members = 0;
  for (const key in columns) {
    const value = columns[key];
    if (value === undefined) continue;
    members += 1;
    tally.embedded += columnKeyBytes(key);
    if (key === 'data' || key === 'raw' || key === 'extra') tally.embedded += payloadTextBytes[key];
    else if (typeof value === 'string') tallyString(tally, value);
    else tally.embedded += jsonTextBytes(value).embedded;
  }
  tallyContainer(tally, members);
  return tally.embedded;
}

const COLUMN_KEY_BYTES = new Map<string, number>();

/** A column name and its colon as embedded JSON text; the same two dozen names for every row. */
function columnKeyBytes(key: string): number {
  let bytes = COLUMN_KEY_BYTES.get(key);
  if (bytes === undefined) {
    const tally: JsonTextTally = { jsonb: 0, embedded: 0 };
    tallyMemberKey(tally, key);
    bytes = tally.embedded;
    COLUMN_KEY_BYTES.set(key, bytes);
  }
  return bytes;
}
