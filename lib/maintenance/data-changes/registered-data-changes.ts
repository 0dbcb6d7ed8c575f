import type { DataChange } from './data-change.ts';

/**
 * Every data change this release knows how to run, by the name its migration registers in
 * journal_data_change. Keep an entry until every environment has completed it; a change that is
 * registered but not listed here is skipped and reported, never guessed at.
 */
export const REGISTERED_DATA_CHANGES: readonly DataChange[] = [];
