import { SEVERITIES, type Severity } from '../journal/event-schema.ts';

export type DropCounts = Record<Severity, number>;

export function noDrops(): DropCounts {
  return Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as DropCounts;
}

/**
 * Backpressure episodes: the first drop starts one, and it ends once no drop has happened for
 * `quietMs`, with the drops it saw counted by severity. Time is passed in, so it is deterministic.
 */
export class BackpressureTracker {
  readonly #quietMs: number;
  #episode: { counts: DropCounts; lastDropAt: number } | undefined;

  constructor(quietMs: number) {
    this.#quietMs = quietMs;
  }

  get active(): boolean {
    return this.#episode !== undefined;
  }

  /** Counts a drop; true when it starts an episode. */
  recordDrop(severity: Severity, now: number): boolean {
    const started = this.#episode === undefined;
    this.#episode ??= { counts: noDrops(), lastDropAt: now };
    this.#episode.counts[severity] += 1;
    this.#episode.lastDropAt = now;
    return started;
  }

  /** Ends the episode when it has been quiet long enough, returning its counts. */
  endIfQuiet(now: number): DropCounts | undefined {
    if (!this.#episode || now - this.#episode.lastDropAt < this.#quietMs) return undefined;
    return this.end();
  }

  /** Ends the episode now (on close), returning its counts. */
  end(): DropCounts | undefined {
    const counts = this.#episode?.counts;
    this.#episode = undefined;
    return counts;
  }
}
