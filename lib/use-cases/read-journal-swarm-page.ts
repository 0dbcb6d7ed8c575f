import type { JournalCursor } from '../journal/cursor.ts';
import {
  type JournalFilter,
  type JournalPage,
  type JournalSource,
  PAGE_MAX_BYTES,
  type ReadJournalDeps,
  readJournalPage,
} from './read-journal-page.ts';
import { type ResolvedRun, resolveRun } from './resolve-run.ts';

/** Filters of a swarm-scope read: the swarm and run come from the path and run resolution. */
export type SwarmJournalFilter = Omit<JournalFilter, 'swarmId' | 'runId'>;

export interface SwarmPageQuery {
  readonly runId?: string;
  readonly filter: SwarmJournalFilter;
  readonly before: JournalCursor | null;
  readonly limit: number;
}

export interface SwarmJournalPage {
  readonly run: ResolvedRun;
  readonly page: JournalPage;
}

/**
 * One page of a swarm's journal for one run (see resolveRun), newest first; a pinned run is read
 * from its archive, so it stays browsable after retention dropped its partitions. Null when no run
 * can be resolved for the swarm.
 */
export async function readJournalSwarmPage(
  deps: ReadJournalDeps,
  swarmId: string,
  query: SwarmPageQuery,
): Promise<SwarmJournalPage | null> {
  const run = await resolveRun(deps.sql, swarmId, query.runId);
  if (run === null) return null;
  const page = await readJournalPage(deps, {
    scope: 'SWARM',
    filter: { ...query.filter, swarmId, runId: run.runId },
    source: sourceOf(run),
    before: query.before,
    limit: query.limit,
    maxBytes: PAGE_MAX_BYTES,
    ...(run.liveSpan === null ? {} : { span: run.liveSpan }),
  });
  return { run, page };
}

/** Where a resolved run's events are: its pinned capture's archive, else the live journal. */
export function sourceOf(run: ResolvedRun): JournalSource {
  return run.capture === null ? { kind: 'live' } : { kind: 'archive', captureId: run.capture.id };
}
