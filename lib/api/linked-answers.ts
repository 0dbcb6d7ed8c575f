import { type DeepLinkTargets, eventLinks, runLinks } from '../journal/deep-links.ts';
import { parseIsoInstant } from '../journal/journal-instant.ts';
import type { JournalItem } from '../journal/journal-item.ts';
import type { RunsList } from '../use-cases/list-runs.ts';
import type { JournalPage } from '../use-cases/read-journal-page.ts';
import type { SwarmTimeline } from '../use-cases/read-journal-swarm-timeline.ts';

/**
 * The read answers with their links (lib/journal/deep-links.ts), when the deployment names link
 * targets. Links add to what the statements budgeted (row bytes, not answer bytes), so an answer
 * with links is held to ANSWER_MAX_JSON_BYTES, below Lambda's 6 MB response limit, by leaving out
 * its oldest events the way each route already does: a page ends earlier (hasMore true, the cursor
 * at its last item), a timeline keeps its newest (truncated true), the runs index its newest.
 */
export const ANSWER_MAX_JSON_BYTES = 5 * 1024 * 1024;

type Targets = DeepLinkTargets | undefined;

const linksConfigured = (targets: Targets): targets is DeepLinkTargets =>
  targets !== undefined && (targets.grafana !== null || targets.console !== null);

function withEventLinks<Item extends Omit<JournalItem, 'eventId'>>(
  targets: DeepLinkTargets,
  item: Item,
  captureId: string | null,
): Item {
  const links = eventLinks(targets, { ...item, captureId });
  return links === undefined ? item : { ...item, links };
}

/** How many of `items`, in order, fit the budget as JSON array elements. */
function fitting(items: readonly unknown[], budget: number): number {
  let bytes = 2;
  for (let i = 0; i < items.length; i += 1) {
    bytes += Buffer.byteLength(JSON.stringify(items[i])) + 1;
    if (bytes > budget) return i;
  }
  return items.length;
}

/** A page (newest first) with its events' links; cut at its tail when they would not fit. */
export function linkedPage(
  page: JournalPage,
  targets: Targets,
  captureId: string | null,
  budget = ANSWER_MAX_JSON_BYTES,
): JournalPage {
  if (!linksConfigured(targets)) return page;
  const items = page.items.map((item) => withEventLinks(targets, item, captureId));
  // a page always holds its first event, so a client always makes progress
  const kept = Math.max(1, fitting(items, budget));
  if (kept >= items.length) return { ...page, items };
  const last = items[kept - 1] as JournalItem;
  return {
    ...page,
    items: items.slice(0, kept),
    hasMore: true,
    nextCursor: { ts: parseIsoInstant(last.timestamp) as string, id: last.eventId },
  };
}

/** A timeline (oldest first) with its events' links; its oldest left out when they would not fit. */
export function linkedTimeline(
  timeline: SwarmTimeline,
  targets: Targets,
  captureId: string | null,
  budget = ANSWER_MAX_JSON_BYTES,
): SwarmTimeline {
  if (!linksConfigured(targets)) return timeline;
  const newestFirst = timeline.items.map((item) => withEventLinks(targets, item, captureId)).reverse();
  const kept = fitting(newestFirst, budget);
  return {
    ...timeline,
    items: newestFirst.slice(0, kept).reverse(),
    truncated: timeline.truncated || kept < newestFirst.length,
  };
}

/** The runs (newest first) with their links; the oldest left out when they would not fit. */
export function linkedRuns(list: RunsList, targets: Targets, budget = ANSWER_MAX_JSON_BYTES): RunsList {
  if (!linksConfigured(targets)) return list;
  const runs = list.runs.map((run) => {
    const links = runLinks(targets, run);
    return links === undefined ? run : { ...run, links };
  });
  const kept = fitting(runs, budget);
  return { runs: runs.slice(0, kept), truncated: list.truncated || kept < runs.length };
}
