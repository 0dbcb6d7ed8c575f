import { EVENT_KINDS, SIGNALS } from './event-kinds.ts';
import type { JournalEvent } from './event-schema.ts';

/**
 * Which journal events are lifecycle events of a run, and what state of the swarm they imply. The
 * states are PocketHive's SwarmLifecycleStatus (orchestrator domain) minus NEW, which no event marks.
 * Grounded in what PocketHive writes:
 * - the orchestrator journals an accepted create as kind=command, type=swarm-create;
 * - signals (kind=signal) for swarm-start/-stop/-remove start a transition;
 * - a command's verdict arrives as kind=outcome (CommandOutcomePolicy statuses: swarm-create and
 *   swarm-template -> Ready, swarm-start -> Running, swarm-stop -> Stopped, swarm-remove -> Removed,
 *   any -> Failed, NotReady = not yet), as kind=result (CommandResult) or as the orchestrator's
 *   kind=operation-terminal, both with terminal statuses (Succeeded, Failed, Rejected, TimedOut);
 *   statuses compare case-insensitively, as PocketHive's isStatus does;
 * - kind=swarm-catalogue-forgotten: the orchestrator dropped a swarm whose runtime is gone;
 * - kind=plan: scenario plan and step progress. These are lifecycle events (an ERRORS_ONLY capture
 *   keeps them) but imply no swarm state: PocketHive's plan progress never changes swarm status.
 */
export const RUN_LIFECYCLE_STATES = [
  'CREATING',
  'READY',
  'STARTING',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'REMOVING',
  'REMOVED',
  'FAILED',
] as const;

export type RunLifecycleState = (typeof RUN_LIFECYCLE_STATES)[number];

type LifecycleSignal =
  | typeof SIGNALS.swarmCreate
  | typeof SIGNALS.swarmTemplate
  | typeof SIGNALS.swarmStart
  | typeof SIGNALS.swarmStop
  | typeof SIGNALS.swarmRemove;

/** State while a command is under way (null: no change), its success status, and the state it reaches. */
const LIFECYCLE_COMMANDS: Readonly<
  Record<LifecycleSignal, { started: RunLifecycleState | null; success: string; reached: RunLifecycleState }>
> = {
  [SIGNALS.swarmCreate]: { started: 'CREATING', success: 'ready', reached: 'READY' },
  [SIGNALS.swarmTemplate]: { started: null, success: 'ready', reached: 'READY' },
  [SIGNALS.swarmStart]: { started: 'STARTING', success: 'running', reached: 'RUNNING' },
  [SIGNALS.swarmStop]: { started: 'STOPPING', success: 'stopped', reached: 'STOPPED' },
  [SIGNALS.swarmRemove]: { started: 'REMOVING', success: 'removed', reached: 'REMOVED' },
};

const COMMAND_STARTED_KINDS = new Set(['command', 'signal']);
const COMMAND_VERDICT_KINDS = new Set(['outcome', 'result', 'operation-terminal']);
const TERMINAL_SUCCESS = 'succeeded';
const FAILURE_STATUSES = new Set(['failed', 'rejected', 'timedout', 'timed_out']);
const CATALOGUE_FORGOTTEN = 'swarm-catalogue-forgotten';
const PLAN_TYPES: ReadonlySet<string> = new Set(
  EVENT_KINDS.find((entry) => entry.kind === 'plan')?.types ?? [],
);

type LifecycleInput = Pick<JournalEvent, 'kind' | 'type' | 'data'>;

function lifecycleCommand(type: string) {
  return Object.hasOwn(LIFECYCLE_COMMANDS, type) ? LIFECYCLE_COMMANDS[type as LifecycleSignal] : null;
}

/** True for events that mark a run's lifecycle: swarm create/start/stop/remove and plan/step progress. */
export function isLifecycleEvent(event: Pick<JournalEvent, 'kind' | 'type'>): boolean {
  if (COMMAND_STARTED_KINDS.has(event.kind) || COMMAND_VERDICT_KINDS.has(event.kind)) {
    return lifecycleCommand(event.type) !== null;
  }
  if (event.kind === CATALOGUE_FORGOTTEN) return true;
  return event.kind === 'plan' && PLAN_TYPES.has(event.type);
}

/** The swarm state this event implies for its run, or null when it implies none. */
export function lifecycleStateOf(event: LifecycleInput): RunLifecycleState | null {
  if (event.kind === CATALOGUE_FORGOTTEN) return 'REMOVED';
  const command = lifecycleCommand(event.type);
  if (command === null) return null;
  if (COMMAND_STARTED_KINDS.has(event.kind)) return command.started;
  if (!COMMAND_VERDICT_KINDS.has(event.kind)) return null;
  const status = event.data?.status;
  if (typeof status !== 'string') return null;
  const normalised = status.trim().toLowerCase();
  if (normalised === command.success || normalised === TERMINAL_SUCCESS) return command.reached;
  if (FAILURE_STATUSES.has(normalised)) return 'FAILED';
  return null;
}
