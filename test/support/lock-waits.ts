import { setTimeout as sleep } from 'node:timers/promises';
import type { TestDatabase } from './test-database.ts';

/**
 * Waits until some session of this database waits for `mode` (any mode when omitted) on `relation`
 * (or on any of several), 10 s at most.
 */
export async function someoneWaitsFor(
  db: TestDatabase,
  relation: string | readonly string[],
  mode?: string,
): Promise<void> {
  const relations = typeof relation === 'string' ? [relation] : [...relation];
  for (let attempt = 0; attempt < 400; attempt++) {
    const { rows } = await db.pg.query(
      `SELECT 1 FROM pg_locks WHERE relation = ANY ($1::regclass[]) AND ($2::text IS NULL OR mode = $2) AND NOT granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [relations, mode ?? null],
    );
    if (rows.length > 0) return;
    await sleep(25);
  }
  throw new Error(`nobody waited for ${mode ?? 'a lock'} on ${relations.join(' or ')}`);
}
