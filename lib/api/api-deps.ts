import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';

/** What the API routes need: built once per Lambda at cold start (functions/api-*.ts). */
export interface ApiDeps {
  readonly sql: SqlClient;
  readonly clock: Clock;
}
