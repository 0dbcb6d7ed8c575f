import { randomUUID } from 'node:crypto';
import type { CaptureMode } from '../captures/capture-mode.ts';
import { json } from '../db/sql-parameters.ts';
import { parseJournalEvent } from '../journal/parse-event.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';
import { toStorableEvent } from './storable-event.ts';
import { STORE_EVENTS_SQL } from './store-events.sql.ts';

/** Who an operator action is done for, as the API request says. */
export interface Operator {
  /** The request's actor (HttpRequest.actor); null when nothing vouched for one. */
  readonly actor: string | null;
  /** The request's trace id, journaled as the event's trace id and correlation id; null outside a request. */
  readonly traceId: string | null;
}

/** An operator action on a swarm run, with the details its audit event carries in `data`. */
export type OperatorAction = { readonly swarmId: string; readonly runId: string } & (
  | {
      readonly type: 'journal-run-meta-updated';
      readonly data: {
        readonly testPlan: string | null;
        readonly description: string | null;
        readonly tags: readonly string[] | null;
      };
    }
  | {
      readonly type: 'journal-run-pinned';
      readonly data: {
        readonly captureId: string;
        readonly mode: CaptureMode;
        readonly name: string | null;
        /** False: the run was already pinned with this mode and the request found its capture. */
        readonly created: boolean;
      };
    }
  | {
      readonly type: 'journal-capture-unpinned';
      readonly data: { readonly captureId: string };
    }
);

/** The kind of every operator action's event (docs/event-kinds.md). */
export const OPERATOR_ACTION_KIND = 'audit';

/** The origin of every operator action's event. */
export const API_ORIGIN = 'hive-journal-api';

/**
 * Journals an operator action as one HIVE-scope event about the run (swarmId and runId are the
 * run's, as PocketHive's orchestrator journals its commands), built as a producer's entry would be
 * and checked by the same schema, so every bound applies to it too. It is stored by the ingest
 * statement: that statement keeps run statistics and the per-minute activity from SWARM events only,
 * so the runs index is untouched; the event counters count it like any stored event. A write that
 * fails throws: the action happened, and the caller must not report it as journaled.
 */
export async function journalOperatorAction(
  deps: { readonly sql: SqlExecutor; readonly clock: Clock },
  operator: Operator,
  action: OperatorAction,
): Promise<void> {
  const eventUid = randomUUID();
  const parsed = parseJournalEvent(
    {
      eventUid,
      timestamp: deps.clock.now().toISOString(),
      scope: 'HIVE',
      swarmId: action.swarmId,
      runId: action.runId,
      severity: 'INFO',
      // What the service did itself at the operator's request, as PocketHive journals its commands.
      direction: 'LOCAL',
      kind: OPERATOR_ACTION_KIND,
      type: action.type,
      origin: API_ORIGIN,
      correlationId: operator.traceId,
      traceId: operator.traceId,
      actor: operator.actor,
      data: action.data,
    },
    // Only names the event in a rejection: its eventUid is given, so none is derived from this.
    { messageId: `operator-action:${eventUid}`, index: 0 },
  );
  if (!parsed.ok)
    throw new Error(`Operator action ${action.type} is not a valid journal event: ${parsed.reason}`);
  await deps.sql.execute(STORE_EVENTS_SQL, {
    events: json([toStorableEvent(parsed.event)]),
    rejected: json([]),
    // not from the queue: no queue wait to count
    sentAt: json([]),
  });
}
