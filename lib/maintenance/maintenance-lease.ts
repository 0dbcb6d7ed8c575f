import { timestamp, uuid } from '../db/sql-parameters.ts';
import { instantFromSqlTimestamp, isoInstant } from '../journal/journal-instant.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';

/** The lease every maintenance run takes (journal_maintenance_lease, migration 0004). */
export const MAINTENANCE_LEASE = 'journal-maintenance';

export interface Lease {
  readonly name: string;
  readonly holder: string;
}

export type LeaseAttempt =
  | { readonly acquired: true; readonly lease: Lease }
  | { readonly acquired: false; readonly heldBy: string; readonly until: string };

// One statement: takes the lease when nobody holds it or the holder's lease has expired. Two runners
// racing for it serialise on the row; the loser sees the winner's unexpired lease and gets no row.
const ACQUIRE_SQL = `
INSERT INTO journal_maintenance_lease AS l (name, holder, acquired_at, expires_at)
VALUES (:name, :holder, :now, :expiresAt)
ON CONFLICT (name) DO UPDATE SET
  holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
WHERE l.expires_at <= EXCLUDED.acquired_at
RETURNING l.holder::text AS holder
`;

const CURRENT_SQL = `SELECT holder::text AS holder, expires_at FROM journal_maintenance_lease WHERE name = :name`;

const RELEASE_SQL = `DELETE FROM journal_maintenance_lease WHERE name = :name AND holder = :holder`;

/**
 * Takes the named lease for `holder` until `expiresAt`, unless someone else holds an unexpired one.
 * The expiry must lie beyond the holder's last possible moment (its Lambda's timeout), so a lease
 * only ever outlives a runner that crashed. Times come from the injected clock.
 */
export async function acquireLease(
  sql: SqlExecutor,
  request: { readonly name: string; readonly holder: string; readonly now: Date; readonly expiresAt: Date },
): Promise<LeaseAttempt> {
  const { rows } = await sql.execute<{ holder: string }>(ACQUIRE_SQL, {
    name: request.name,
    holder: uuid(request.holder),
    now: timestamp(request.now),
    expiresAt: timestamp(request.expiresAt),
  });
  if (rows[0]?.holder === request.holder) {
    return { acquired: true, lease: { name: request.name, holder: request.holder } };
  }
  const current = await sql.execute<{ holder: string; expires_at: string }>(CURRENT_SQL, {
    name: request.name,
  });
  const row = current.rows[0];
  // Released between the two statements: report it as held a moment ago, the caller retries later.
  if (row === undefined) return { acquired: false, heldBy: 'unknown', until: request.now.toISOString() };
  return {
    acquired: false,
    heldBy: row.holder,
    until: isoInstant(instantFromSqlTimestamp(row.expires_at)),
  };
}

/** Gives the lease back (only the holder's own lease; an expired one taken over stays with its taker). */
export async function releaseLease(sql: SqlExecutor, lease: Lease): Promise<void> {
  await sql.execute(RELEASE_SQL, { name: lease.name, holder: uuid(lease.holder) });
}
