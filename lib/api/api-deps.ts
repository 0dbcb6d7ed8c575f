import type { DeepLinkTargets } from '../journal/deep-links.ts';
import type { Migration } from '../migrations/migration.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import type { DeadLetterQueues } from '../use-cases/read-metrics.ts';

/** What the API routes need: built once per Lambda at cold start (functions/api-*.ts). */
export interface ApiDeps {
  readonly sql: SqlClient;
  readonly clock: Clock;
  /**
   * The migrations this code expects (readiness compares them with the database). In AWS they are
   * bundled next to the function (JOURNAL_MIGRATIONS_DIR); the repository's folder when absent.
   */
  readonly migrations?: () => Promise<Migration[]>;
  /**
   * The dead-letter queues whose depth GET /metrics reports: the read function's (JOURNAL_*_DLQ_URL);
   * absent, their families have no samples.
   */
  readonly deadLetterQueues?: DeadLetterQueues;
  /** Where the read answers link to (Grafana, the AWS console); absent or empty, they carry no links. */
  readonly links?: DeepLinkTargets;
}
