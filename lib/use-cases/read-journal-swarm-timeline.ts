import type { JournalCursor } from '../journal/cursor.ts';
import { type JournalItem, type JournalTimelineItem, timelineItem } from '../journal/journal-item.ts';
import {
  PAGE_MAX_BYTES,
  PAGE_MAX_LIMIT,
  type ReadJournalDeps,
  readJournalPage,
} from './read-journal-page.ts';
import { type SwarmJournalFilter, sourceOf } from './read-journal-swarm-page.ts';
import { type ResolvedRun, resolveRun } from './resolve-run.ts';

/** Most events one timeline answer holds. */
export const TIMELINE_MAX_ITEMS = 5000;

/**
 * Most row text one timeline answer holds: with JSON framing it stays well under the 6 MB a Lambda
 * response (and so API Gateway) can carry.
 */
export const TIMELINE_MAX_BYTES = 4 * 1024 * 1024;

export interface SwarmTimelineQuery {
  readonly runId?: string;
  readonly filter: SwarmJournalFilter;
  /** At most this many events (at most TIMELINE_MAX_ITEMS). */
  readonly limit: number;
}

export interface SwarmTimeline {
  readonly run: ResolvedRun;
  /** Chronological (oldest first). */
  readonly items: JournalTimelineItem[];
  /** True when older events were left out to stay within the limit or TIMELINE_MAX_BYTES. */
  readonly truncated: boolean;
}

/**
 * A swarm run's timeline, oldest first, bounded: when the run has more than fits, the newest events
 * are kept and `truncated` says older ones were left out (the page route reaches all of them). Read
 * as keyset pages newest first, each within the Data API's response limit, with one "now" for all.
 */
export async function readJournalSwarmTimeline(
  deps: ReadJournalDeps,
  swarmId: string,
  query: SwarmTimelineQuery,
): Promise<SwarmTimeline | null> {
  const run = await resolveRun(deps.sql, swarmId, query.runId);
  if (run === null) return null;
  const limit = Math.min(query.limit, TIMELINE_MAX_ITEMS);
  const now = deps.clock.now();
  const items: JournalItem[] = [];
  let bytes = 0;
  let before: JournalCursor | null = null;
  let hasMore = true;
  while (hasMore && items.length < limit && bytes < TIMELINE_MAX_BYTES) {
    const page = await readJournalPage(deps, {
      scope: 'SWARM',
      filter: { ...query.filter, swarmId, runId: run.runId },
      source: sourceOf(run),
      before,
      limit: Math.min(PAGE_MAX_LIMIT, limit - items.length),
      maxBytes: Math.min(PAGE_MAX_BYTES, TIMELINE_MAX_BYTES - bytes),
      now,
      ...(run.liveSpan === null ? {} : { span: run.liveSpan }),
    });
    items.push(...page.items);
    bytes += page.bytes;
    hasMore = page.hasMore;
    before = page.nextCursor;
  }
  return { run, items: items.reverse().map(timelineItem), truncated: hasMore };
}
