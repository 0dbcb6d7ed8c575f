/**
 * The health of a swarm's run, derived from what ingest maintains (journal_run: lifecycle state,
 * last event, backpressure episodes; journal_swarm_minute: the swarm's events and errors per minute
 * of event time), never from the events themselves. docs/swarm-health.md states these rules; a
 * test keeps the page and the constants in step.
 *
 * The first rule that holds decides:
 * 1. stopped  the lifecycle reached STOPPED or REMOVED;
 * 2. failing  the lifecycle is FAILED;
 * 3. stale    no event for more than STALE_AFTER_SECONDS (the run went silent without a stop);
 * 4. failing  over FAILING_ERROR_SHARE of the last ERROR_WINDOW_SECONDS' events are ERROR;
 * 5. degraded an ERROR in that window, or a backpressure episode open;
 * 6. healthy  otherwise.
 */

export const SWARM_HEALTH_STATES = ['healthy', 'degraded', 'failing', 'stale', 'stopped'] as const;
export type SwarmHealthState = (typeof SWARM_HEALTH_STATES)[number];

/** The window of the error share: the five one-minute buckets of event time, the current one included. */
export const ERROR_WINDOW_SECONDS = 300;
/** More than this share of the window's events ERROR: failing (PocketHive's 25% alert threshold). */
export const FAILING_ERROR_SHARE = 0.25;
/** Silence longer than this, without a stop: stale. Twice the error window. */
export const STALE_AFTER_SECONDS = 600;

const STOPPED_STATES: ReadonlySet<string> = new Set(['STOPPED', 'REMOVED']);

/** What the rules read, as ingest keeps it. */
export interface SwarmHealthInputs {
  readonly lifecycleState: string | null;
  /** The run's latest event; null when it has none. */
  readonly lastTs: Date | null;
  /** The latest journal-backpressure-start and -stop of the run. */
  readonly backpressureStartedTs: Date | null;
  readonly backpressureStoppedTs: Date | null;
  /** The swarm's events and ERRORs in the error window (zero for a run silent since before it). */
  readonly windowEvents: number;
  readonly windowErrors: number;
}

export const SWARM_HEALTH_REASONS = [
  'lifecycle-stopped',
  'lifecycle-failed',
  'silent',
  'error-share-high',
  'errors-recent',
  'backpressure-open',
] as const;
export type SwarmHealthReason = (typeof SWARM_HEALTH_REASONS)[number];

export interface SwarmHealth {
  readonly state: SwarmHealthState;
  /** Every rule that holds, in rule order (the first decided the state). */
  readonly reasons: readonly SwarmHealthReason[];
  readonly errorShare: number | null;
  readonly silentSeconds: number | null;
  /** Since when a backpressure episode is open; null when none is. */
  readonly backpressureOpenSince: Date | null;
}

const STATE_OF_REASON: Readonly<Record<SwarmHealthReason, SwarmHealthState>> = {
  'lifecycle-stopped': 'stopped',
  'lifecycle-failed': 'failing',
  silent: 'stale',
  'error-share-high': 'failing',
  'errors-recent': 'degraded',
  'backpressure-open': 'degraded',
};

/** The health of a run at `now`, by the rules above. */
export function swarmHealth(inputs: SwarmHealthInputs, now: Date): SwarmHealth {
  const silentSeconds =
    inputs.lastTs === null ? null : Math.max(0, (now.getTime() - inputs.lastTs.getTime()) / 1000);
  const errorShare = inputs.windowEvents > 0 ? inputs.windowErrors / inputs.windowEvents : null;
  const backpressureOpenSince =
    inputs.backpressureStartedTs !== null &&
    (inputs.backpressureStoppedTs === null || inputs.backpressureStartedTs > inputs.backpressureStoppedTs)
      ? inputs.backpressureStartedTs
      : null;
  const reasons: SwarmHealthReason[] = [];
  const state = inputs.lifecycleState?.toUpperCase() ?? null;
  if (state !== null && STOPPED_STATES.has(state)) reasons.push('lifecycle-stopped');
  if (state === 'FAILED') reasons.push('lifecycle-failed');
  if (silentSeconds === null || silentSeconds > STALE_AFTER_SECONDS) reasons.push('silent');
  if (errorShare !== null && errorShare > FAILING_ERROR_SHARE) reasons.push('error-share-high');
  else if (inputs.windowErrors > 0) reasons.push('errors-recent');
  if (backpressureOpenSince !== null) reasons.push('backpressure-open');
  const first = reasons[0];
  return {
    state: first === undefined ? 'healthy' : STATE_OF_REASON[first],
    reasons,
    errorShare,
    silentSeconds,
    backpressureOpenSince,
  };
}
