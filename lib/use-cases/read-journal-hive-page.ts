import type { JournalCursor } from '../journal/cursor.ts';
import {
  type JournalFilter,
  type JournalPage,
  PAGE_MAX_BYTES,
  type ReadJournalDeps,
  readJournalPage,
} from './read-journal-page.ts';

export interface HivePageQuery {
  readonly filter: JournalFilter;
  readonly before: JournalCursor | null;
  readonly limit: number;
}

/** One page of the hive journal (scope HIVE), newest first. */
export function readJournalHivePage(deps: ReadJournalDeps, query: HivePageQuery): Promise<JournalPage> {
  return readJournalPage(deps, {
    scope: 'HIVE',
    filter: query.filter,
    source: { kind: 'live' },
    before: query.before,
    limit: query.limit,
    maxBytes: PAGE_MAX_BYTES,
  });
}
