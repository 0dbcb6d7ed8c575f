import { randomUUID } from 'node:crypto';
import type { JournalWriter } from '../../lib/client/backpressure-events.ts';
import type { JournalEventDraft } from '../../lib/client/prepare-event.ts';
import type { JournalScope, Severity } from '../../lib/journal/event-schema.ts';

/** A lifecycle operation: one correlation id and idempotency key from command to verdict. */
export interface DemoOperation {
  readonly type: string;
  readonly correlationId: string;
  readonly idempotencyKey: string;
}

export function newOperation(type: string): DemoOperation {
  return { type, correlationId: randomUUID(), idempotencyKey: randomUUID() };
}

/** A simulated swarm: its id, run and controller instance. */
export interface DemoSwarm {
  readonly swarmId: string;
  readonly runId: string;
  readonly controller: string;
  readonly template: string;
}

const ORCHESTRATOR_INSTANCE = 'orchestrator-1';

/** The orchestrator's journal writer (PocketHive's hive journal). */
export const ORCHESTRATOR_WRITER: JournalWriter = {
  journalScope: 'HIVE',
  swarmId: 'hive',
  runId: 'hive',
  role: 'orchestrator',
  instance: ORCHESTRATOR_INSTANCE,
  origin: ORCHESTRATOR_INSTANCE,
};

/** A swarm controller's journal writer (PocketHive's swarm journal). */
export function controllerWriter(swarm: DemoSwarm): JournalWriter {
  return {
    journalScope: 'SWARM',
    swarmId: swarm.swarmId,
    runId: swarm.runId,
    role: 'swarm-controller',
    instance: swarm.controller,
    origin: swarm.controller,
  };
}

interface EntryShape {
  readonly journalScope: JournalScope;
  readonly swarm: DemoSwarm;
  readonly severity: Severity;
  readonly direction: 'IN' | 'OUT' | 'LOCAL';
  readonly kind: string;
  readonly type: string;
  readonly origin: string;
  readonly role: string;
  readonly instance: string;
  readonly operation?: DemoOperation;
  readonly routingKey?: string;
  readonly data?: Record<string, unknown>;
  readonly withRawEnvelope?: boolean;
}

/**
 * An entry in PocketHive's shape (nested scope, journalScope). Signals and outcomes carry the control
 * envelope they were projected from in `raw`, as PocketHive's SwarmJournalEntries does.
 */
function entry(shape: EntryShape): JournalEventDraft {
  const scope = { swarmId: shape.swarm.swarmId, role: shape.role, instance: shape.instance };
  const timestamp = new Date().toISOString();
  return {
    timestamp,
    journalScope: shape.journalScope,
    swarmId: shape.swarm.swarmId,
    runId: shape.swarm.runId,
    scope,
    severity: shape.severity,
    direction: shape.direction,
    kind: shape.kind,
    type: shape.type,
    origin: shape.origin,
    correlationId: shape.operation?.correlationId ?? null,
    idempotencyKey: shape.operation?.idempotencyKey ?? null,
    routingKey: shape.routingKey ?? null,
    data: shape.data ?? null,
    raw: shape.withRawEnvelope
      ? {
          timestamp,
          version: '1',
          kind: shape.kind,
          type: shape.type,
          origin: shape.origin,
          scope,
          correlationId: shape.operation?.correlationId ?? null,
          idempotencyKey: shape.operation?.idempotencyKey ?? null,
          data: shape.data ?? {},
        }
      : null,
  };
}

/** What the orchestrator journals about a swarm (HIVE journal). */
export const orchestrator = {
  /** kind=command: a lifecycle command accepted, before any signal. */
  command(swarm: DemoSwarm, operation: DemoOperation): JournalEventDraft {
    return entry({
      journalScope: 'HIVE',
      swarm,
      severity: 'INFO',
      direction: 'LOCAL',
      kind: 'command',
      type: operation.type,
      origin: ORCHESTRATOR_INSTANCE,
      role: 'orchestrator',
      instance: ORCHESTRATOR_INSTANCE,
      operation,
      data: { templateId: swarm.template },
    });
  },
  /** kind=signal, OUT: a signal sent to the swarm's controller. */
  signal(swarm: DemoSwarm, operation: DemoOperation): JournalEventDraft {
    return entry({
      journalScope: 'HIVE',
      swarm,
      severity: 'INFO',
      direction: 'OUT',
      kind: 'signal',
      type: operation.type,
      origin: ORCHESTRATOR_INSTANCE,
      role: 'swarm-controller',
      instance: swarm.controller,
      operation,
      routingKey: `signal.${operation.type}.${swarm.swarmId}.swarm-controller.${swarm.controller}`,
      withRawEnvelope: true,
    });
  },
  /** kind=outcome, IN: the controller's outcome as the orchestrator receives it. */
  outcome(swarm: DemoSwarm, operation: DemoOperation, status: string): JournalEventDraft {
    return entry({
      journalScope: 'HIVE',
      swarm,
      severity: status === 'Failed' ? 'ERROR' : 'INFO',
      direction: 'IN',
      kind: 'outcome',
      type: operation.type,
      origin: swarm.controller,
      role: 'swarm-controller',
      instance: swarm.controller,
      operation,
      routingKey: `event.outcome.${operation.type}.${swarm.swarmId}.swarm-controller.${swarm.controller}`,
      data: { status },
      withRawEnvelope: true,
    });
  },
  /** kind=operation-terminal: the orchestrator's verdict on the operation. */
  terminal(swarm: DemoSwarm, operation: DemoOperation, status: string): JournalEventDraft {
    return entry({
      journalScope: 'HIVE',
      swarm,
      severity: status === 'Succeeded' ? 'INFO' : 'ERROR',
      direction: 'LOCAL',
      kind: 'operation-terminal',
      type: operation.type,
      origin: ORCHESTRATOR_INSTANCE,
      role: 'orchestrator',
      instance: ORCHESTRATOR_INSTANCE,
      operation,
      data: { status },
    });
  },
};

/** What a swarm controller journals about its swarm (SWARM journal). */
export const controller = {
  /** kind=signal, IN: a signal the controller received. */
  signal(swarm: DemoSwarm, operation: DemoOperation): JournalEventDraft {
    return entry({
      journalScope: 'SWARM',
      swarm,
      severity: 'INFO',
      direction: 'IN',
      kind: 'signal',
      type: operation.type,
      origin: ORCHESTRATOR_INSTANCE,
      role: 'swarm-controller',
      instance: swarm.controller,
      operation,
      routingKey: `signal.${operation.type}.${swarm.swarmId}.swarm-controller.${swarm.controller}`,
      withRawEnvelope: true,
    });
  },
  /** kind=outcome, OUT: the outcome the controller sends back. */
  outcome(swarm: DemoSwarm, operation: DemoOperation, status: string): JournalEventDraft {
    return entry({
      journalScope: 'SWARM',
      swarm,
      severity: status === 'Failed' ? 'ERROR' : 'INFO',
      direction: 'OUT',
      kind: 'outcome',
      type: operation.type,
      origin: swarm.controller,
      role: 'swarm-controller',
      instance: swarm.controller,
      operation,
      routingKey: `event.outcome.${operation.type}.${swarm.swarmId}.swarm-controller.${swarm.controller}`,
      data: { status },
      withRawEnvelope: true,
    });
  },
  /** kind=worker: workers-planned / workers-provisioned. */
  workers(
    swarm: DemoSwarm,
    type: 'workers-planned' | 'workers-provisioned',
    roles: string[],
  ): JournalEventDraft {
    return entry({
      journalScope: 'SWARM',
      swarm,
      severity: 'INFO',
      direction: 'LOCAL',
      kind: 'worker',
      type,
      origin: swarm.controller,
      role: 'swarm-controller',
      instance: swarm.controller,
      data: { workers: roles.length, roles },
    });
  },
  /** kind=plan: scenario plan and timeline progress; step entries carry PocketHive's step fields. */
  plan(swarm: DemoSwarm, type: string, data: Record<string, unknown> = {}): JournalEventDraft {
    return entry({
      journalScope: 'SWARM',
      swarm,
      severity: type === 'scenario-step-failed' ? 'ERROR' : 'INFO',
      direction: 'LOCAL',
      kind: 'plan',
      type,
      origin: swarm.controller,
      role: 'swarm-controller',
      instance: swarm.controller,
      data,
    });
  },
  /** kind=event, type=alert: an alert a worker raised (always ERROR, as PocketHive journals them). */
  alert(swarm: DemoSwarm, role: string, instance: string, code: string, message: string): JournalEventDraft {
    return entry({
      journalScope: 'SWARM',
      swarm,
      severity: 'ERROR',
      direction: 'IN',
      kind: 'event',
      type: 'alert',
      origin: instance,
      role,
      instance,
      routingKey: `event.alert.alert.${swarm.swarmId}.${role}.${instance}`,
      data: { level: 'error', code, message, context: { worker: instance } },
    });
  },
  /** kind=local: what the controller observed itself (worker-error, swarm-health-degraded, ...). */
  local(
    swarm: DemoSwarm,
    type: string,
    severity: Severity,
    data: Record<string, unknown>,
  ): JournalEventDraft {
    return entry({
      journalScope: 'SWARM',
      swarm,
      severity,
      direction: 'LOCAL',
      kind: 'local',
      type,
      origin: swarm.controller,
      role: 'swarm-controller',
      instance: swarm.controller,
      data,
    });
  },
  /** kind=infra: the controller's journal writer shedding INFO entries, and stopping. */
  backpressure(
    swarm: DemoSwarm,
    type: 'journal-backpressure-start' | 'journal-backpressure-stop',
    data: Record<string, unknown>,
  ): JournalEventDraft {
    return entry({
      journalScope: 'SWARM',
      swarm,
      severity: 'WARN',
      direction: 'LOCAL',
      kind: 'infra',
      type,
      origin: swarm.controller,
      role: 'swarm-controller',
      instance: 'journal',
      data,
    });
  },
};
