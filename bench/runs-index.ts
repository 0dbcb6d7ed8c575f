import { listRuns } from '../lib/use-cases/list-runs.ts';
import type { BenchDatabase } from './bench-database.ts';
import { latencies } from './pages.ts';

/** The runs route's default page size (lib/api/run-schemas.ts). */
const RUNS_LIMIT = 500;

/** What PocketHive does for its runs index: aggregate the whole event table on every request. */
const POCKETHIVE_RUNS_SQL = `
SELECT swarm_id, run_id, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS entries
FROM journal_event
WHERE scope = 'SWARM' AND swarm_id IS NOT NULL
GROUP BY swarm_id, run_id
ORDER BY max(ts) DESC
LIMIT ${RUNS_LIMIT}`;

/**
 * The runs index through our use case (listRuns over the Data API, reading the maintained journal_run)
 * against PocketHive's GROUP BY scan over journal_event on a direct connection.
 */
export async function benchRunsIndex(db: BenchDatabase) {
  const ours = await latencies(40, async () => {
    const list = await listRuns({ sql: db.sql }, { pinnedOnly: false, tags: [], limit: RUNS_LIMIT });
    if (list.runs.length === 0) throw new Error('the runs index is empty');
  });
  const groupBy = await latencies(5, () => db.pg.query(POCKETHIVE_RUNS_SQL));
  const ratio = Math.round((groupBy.p50 / ours.p50) * 10) / 10;
  return {
    limit: RUNS_LIMIT,
    listRuns: ours,
    groupByScan: groupBy,
    groupByVsListRuns: ratio,
    targets: {
      p99AtMost20ms: { p99Ms: ours.p99, met: ours.p99 <= 20 },
      atLeast100xGroupBy: { ratio, met: ratio >= 100 },
    },
  };
}
