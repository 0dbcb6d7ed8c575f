import { recordingClient } from '../lib/db/recording-sql-client.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { SqlClient } from '../lib/ports/sql-client.ts';
import { listRuns } from '../lib/use-cases/list-runs.ts';
import type { BenchDatabase } from './bench-database.ts';
import { latencies } from './pages.ts';
import { replayDirect } from './statement-replay.ts';

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
 * and its statements replayed on a direct connection, against PocketHive's GROUP BY scan over
 * journal_event on a direct connection.
 */
export async function benchRunsIndex(db: BenchDatabase) {
  const list = (sql: SqlClient) =>
    listRuns({ sql, clock: systemClock }, { pinnedOnly: false, tags: [], limit: RUNS_LIMIT });
  const recorded = recordingClient(db.sql);
  if ((await list(recorded.sql)).runs.length === 0) throw new Error('the runs index is empty');
  const ours = await latencies(40, () => list(db.sql));
  const statement = await latencies(40, () => replayDirect(db.pg, recorded.statements));
  const groupBy = await latencies(5, () => db.pg.query(POCKETHIVE_RUNS_SQL));
  const ratio = Math.round((groupBy.p50 / ours.p50) * 10) / 10;
  const statementRatio = Math.round((groupBy.p50 / statement.p50) * 10) / 10;
  return {
    limit: RUNS_LIMIT,
    listRuns: ours,
    listRunsStatement: statement,
    groupByScan: groupBy,
    groupByVsListRuns: ratio,
    groupByVsListRunsStatement: statementRatio,
    targets: {
      p99AtMost20ms: {
        p99Ms: ours.p99,
        statementP99Ms: statement.p99,
        metOverDataApi: ours.p99 <= 20,
        metByStatement: statement.p99 <= 20,
      },
      atLeast100xGroupBy: { ratio, statementRatio, met: statementRatio >= 100 },
    },
  };
}
