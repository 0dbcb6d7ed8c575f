import type { JournalScope } from './event-schema.ts';

/**
 * The event kinds PocketHive writes to its journals, with the types seen for each, read from its
 * source (sepa79/PocketHive), and the ones hive-journal writes itself (infra's maintenance types,
 * audit). docs/event-kinds.md is the prose version; a test keeps the two in step.
 * Unknown kinds are accepted (producers evolve); isKnownKind lets the ingest edge count them.
 */
export interface EventKind {
  readonly kind: string;
  /** Journals it appears in: SWARM (swarm controller) and/or HIVE (orchestrator). */
  readonly scopes: readonly JournalScope[];
  readonly summary: string;
  /** Types seen in PocketHive; not exhaustive where `openTypes` is set. */
  readonly types: readonly string[];
  readonly openTypes: boolean;
  /** Where PocketHive writes it. */
  readonly source: string;
}

/** PocketHive's control-plane signal names (ControlPlaneSignals), the types of command kinds. */
export const SIGNALS = {
  swarmCreate: 'swarm-create',
  swarmTemplate: 'swarm-template',
  swarmPlan: 'swarm-plan',
  swarmStart: 'swarm-start',
  swarmStop: 'swarm-stop',
  swarmRemove: 'swarm-remove',
  configUpdate: 'config-update',
  statusRequest: 'status-request',
  workJournal: 'work-journal',
} as const;

const COMMAND_SIGNALS = [
  SIGNALS.swarmCreate,
  SIGNALS.swarmTemplate,
  SIGNALS.swarmPlan,
  SIGNALS.swarmStart,
  SIGNALS.swarmStop,
  SIGNALS.swarmRemove,
  SIGNALS.configUpdate,
];

export const EVENT_KINDS: readonly EventKind[] = [
  {
    kind: 'signal',
    scopes: ['SWARM', 'HIVE'],
    summary: 'A control signal sent (OUT) or received (IN); status-request signals are not journaled.',
    types: COMMAND_SIGNALS,
    openTypes: false,
    source: 'SwarmJournalEntries.inSignal/outSignal, JournalControlPlanePublisher, SwarmSignalListener',
  },
  {
    kind: 'outcome',
    scopes: ['SWARM', 'HIVE'],
    summary:
      'Outcome of a command; data.status is Ready, Running, Stopped, Removed, Applied, Failed or NotReady (CommandOutcomePolicy).',
    types: COMMAND_SIGNALS,
    openTypes: false,
    source: 'SwarmJournalEntries.inOutcome/outOutcome, SwarmSignalListener.handleOutcomeEvent',
  },
  {
    kind: 'result',
    scopes: ['SWARM', 'HIVE'],
    summary:
      'Terminal result of a command (CommandResult, successor of outcome); data.status is the terminal status; those the swarm controller sends carry its runtime identity in raw.runtime (templateId, runId, containerId, image, stackName).',
    types: COMMAND_SIGNALS,
    openTypes: false,
    source: 'CommandResult.KIND, SwarmJournalEntries.outResult, executor result listener',
  },
  {
    kind: 'event',
    scopes: ['SWARM'],
    summary:
      'An alert from a component (AlertMessage); data.code (see ALERT_CODES), data.message, data.context.',
    types: ['alert'],
    openTypes: false,
    source: 'SwarmJournalEntries.inAlert/outAlert; the UI treats kind=event, type=alert as an alert',
  },
  {
    kind: 'local',
    scopes: ['SWARM'],
    summary:
      "Something the swarm controller observed itself; worker-error: a worker's status-delta errorCount rose (data.errorCount, errorDelta).",
    types: ['worker-error', 'swarm-health-degraded', 'swarm-health-recovered'],
    openTypes: true,
    source: 'SwarmJournalEntries.local, SwarmHealthJournal, SwarmWorkerErrorJournal',
  },
  {
    kind: 'plan',
    scopes: ['SWARM'],
    summary: 'Scenario plan and timeline progress of the swarm controller.',
    types: [
      'scenario-plan-loaded',
      'scenario-plan-cleared',
      'scenario-plan-reset',
      'scenario-plan-parse-failed',
      'scenario-timeline-started',
      'scenario-step-started',
      'scenario-step-completed',
      'scenario-step-failed',
      'scenario-run-completed',
      'scenario-plan-completed',
      'template-invalid',
    ],
    openTypes: false,
    source: 'SwarmRuntimeJournal (KIND_PLAN), SwarmRuntimeCore.JournalTimelineScenarioObserver',
  },
  {
    kind: 'worker',
    scopes: ['SWARM'],
    summary: 'Worker provisioning by the swarm controller.',
    types: ['workers-planned', 'workers-provisioned'],
    openTypes: false,
    source: 'SwarmRuntimeJournal (KIND_WORKER)',
  },
  {
    kind: 'infra',
    scopes: ['SWARM', 'HIVE'],
    summary:
      "The journal's own infrastructure: the writer's backpressure (INFO dropped, and when it stopped) and, at hive scope, hive-journal's maintenance (partitions created, drained, dropped with their row count, drops deferred for unarchived pins, captures archived or failed).",
    types: [
      'journal-backpressure-start',
      'journal-backpressure-stop',
      'journal-partition-created',
      'journal-partition-drained',
      'journal-partition-dropped',
      'journal-runs-retired',
      'journal-partition-drop-deferred',
      'journal-capture-archived',
      'journal-capture-failed',
    ],
    openTypes: false,
    source:
      'PostgresSwarmJournal / PostgresHiveJournal newDropEvent; hive-journal lib/maintenance, lib/captures',
  },
  {
    kind: 'command',
    scopes: ['HIVE'],
    summary:
      "A lifecycle command the orchestrator accepted (before any signal is sent); swarm-create's data is the create request: templateId (the run's scenario), sutId, networkMode, networkProfileId, variablesProfileId, autoPullImages, controllerInstance, runId.",
    types: [SIGNALS.swarmCreate],
    openTypes: true,
    source: 'SwarmController create handler',
  },
  {
    kind: 'operation-terminal',
    scopes: ['HIVE'],
    summary:
      "The orchestrator's verdict on a lifecycle operation; type is the signal, data.status the terminal status.",
    types: COMMAND_SIGNALS,
    openTypes: false,
    source: 'SwarmSignalListener / SwarmRemovalConvergenceHandler (OPERATION_TERMINAL_KIND)',
  },
  {
    kind: 'journal',
    scopes: ['HIVE'],
    summary: 'A work-journal envelope from a worker (JournalEvent), journaled by the orchestrator.',
    types: [SIGNALS.workJournal],
    openTypes: false,
    source: 'io.pockethive.control.JournalEvent.KIND, SwarmSignalListener.acceptJournal',
  },
  {
    kind: 'control-plane',
    scopes: ['HIVE'],
    summary: 'A control-plane message the orchestrator dropped or could not parse; raw.payloadSnippet.',
    types: [],
    openTypes: true,
    source: 'ControlPlaneJournalErrors.errorDrop',
  },
  {
    kind: 'network',
    scopes: ['HIVE'],
    summary: 'Network binding changes of a swarm (network proxy).',
    types: ['network-binding-clear'],
    openTypes: true,
    source: 'SwarmNetworkBindingService',
  },
  {
    kind: 'runtime-debug',
    scopes: ['HIVE'],
    summary: 'Container logs captured for an ERROR alert (extra.logs), or why they could not be.',
    types: ['runtime-log-snapshot', 'runtime-log-snapshot-unavailable'],
    openTypes: false,
    source: 'RuntimeLogSnapshotJournalService',
  },
  {
    kind: 'swarm-catalogue-forgotten',
    scopes: ['HIVE'],
    summary: 'The orchestrator forgot a swarm whose runtime no longer exists.',
    types: ['swarm-catalogue-forgotten'],
    openTypes: false,
    source: 'SwarmCatalogueService',
  },
  {
    kind: 'audit',
    scopes: ['HIVE'],
    summary:
      "An operator's change through hive-journal's write API, about the run it changed: its metadata set (data: testPlan, description, tags), the run pinned (data: captureId, mode, name, created) or a capture unpinned (data: captureId); actor says who, as the API's authorizer or IAM vouched for it.",
    types: ['journal-run-meta-updated', 'journal-run-pinned', 'journal-capture-unpinned'],
    openTypes: false,
    source:
      'hive-journal lib/use-cases/journal-operator-action.ts (the write routes, origin hive-journal-api)',
  },
];

/** What an alert code marks on the dashboard: a guard kicking in, data running out, the data path failing. */
export type AlertCodeCategory = 'guard' | 'data-exhaustion' | 'data-path-failure';

/** An alert code (data.code of kind=event, type=alert) the dashboard annotates, read from PocketHive. */
export interface AlertCode {
  readonly code: string;
  /** The data.context.phase the alert must carry to be in this category, when the code alone does not say. */
  readonly phase?: string;
  readonly category: AlertCodeCategory;
  /** False for codes PocketHive's spec reserves but its canonical alert factory does not emit (v0.15.35). */
  readonly emitted: boolean;
  readonly summary: string;
  /** Where PocketHive emits or reserves it. */
  readonly source: string;
}

/**
 * The alert codes of guards, data exhaustion and data-path failures. PocketHive carries these only as
 * alert codes (no kind or type of their own); its buffer guard journals nothing.
 */
export const ALERT_CODES: readonly AlertCode[] = [
  {
    code: 'io.out-of-data',
    category: 'data-exhaustion',
    emitted: true,
    summary:
      "A worker's input ran out of data (its ioState.work.input turned out-of-data); data.context.dataset and the input's context.",
    source: 'Alerts.ioOutOfData, from WorkerControlPlaneRuntime on the transition (common/worker-sdk)',
  },
  {
    code: 'generator.limit-reached',
    category: 'data-exhaustion',
    emitted: false,
    summary: 'A generator reached its message or time limit (reserved).',
    source: 'docs/ARCHITECTURE.md §3.6 and the control-plane spec, as a possible future code',
  },
  {
    code: 'runtime.exception',
    phase: 'work',
    category: 'data-path-failure',
    emitted: true,
    summary:
      'A worker failed on a work item (dispatch, decode, rejected async dispatch, templating); data.errorType, data.context.worker, messageId, callId, traceId.',
    source:
      'Alerts.fromException with phase work, from WorkerControlPlaneRuntime.publishWorkError (common/worker-sdk)',
  },
  {
    code: 'io.downstream-error',
    category: 'data-path-failure',
    emitted: false,
    summary: "A worker's output failed downstream (reserved).",
    source: 'docs/ARCHITECTURE.md §3.6 and the control-plane spec, as a possible future code',
  },
  {
    code: 'io.backpressure',
    category: 'guard',
    emitted: false,
    summary: "Backpressure on a worker's IO (reserved); the only guard code PocketHive names.",
    source: 'docs/ARCHITECTURE.md §3.6 and the control-plane spec, as a possible future code',
  },
];

const KNOWN_KINDS: ReadonlySet<string> = new Set(EVENT_KINDS.map((entry) => entry.kind));

/** True when the catalogue has this kind (PocketHive's or hive-journal's own); unknown ones are still accepted. */
export function isKnownKind(kind: string): boolean {
  return KNOWN_KINDS.has(kind);
}
