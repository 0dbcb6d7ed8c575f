import { addDays, utcDayOf } from '../lib/maintenance/utc-day.ts';
import type { BenchDatabase } from './bench-database.ts';

/** How much journal to seed. */
export interface JournalShape {
  readonly events: number;
  readonly days: number;
  readonly swarms: number;
  readonly runs: number;
}

/** How much journal the read benchmarks run over, per scale. */
export interface SeedShape extends JournalShape {
  /** Events in the day the retention benchmark drops (and in its twin that it DELETEs). */
  readonly retentionDayEvents: number;
}

export const SEED_SHAPES: Record<string, SeedShape> = {
  small: { events: 1_000_000, days: 30, swarms: 20, runs: 1_000, retentionDayEvents: 100_000 },
  full: { events: 10_000_000, days: 30, swarms: 100, runs: 10_000, retentionDayEvents: 1_000_000 },
};

/** What was seeded: the days (oldest first) and how long seeding took. */
export interface SeededJournal {
  readonly shape: JournalShape;
  readonly days: string[];
  readonly seconds: number;
}

/**
 * One day's events, generated in SQL. Event g of the whole seed (0 <= g < events) lands at
 * `g / events` of the way through the seeded days, belongs to run `g * runs / events` (so a run is
 * a contiguous stretch of time, as real runs are) and to swarm `run % swarms`; every 50th event is a
 * HIVE entry, every 50th an ERROR and every 10th otherwise a WARN; ten consecutive events share a
 * correlation id. Payloads are ~200 bytes of jsonb.
 */
const SEED_DAY_SQL = `
INSERT INTO journal_event (event_uid, ts, scope, swarm_id, scope_swarm_id, run_id, scope_role, scope_instance,
  severity, direction, kind, type, origin, correlation_id, routing_key, data, extra)
SELECT gen_random_uuid(),
  CAST($1 AS timestamptz) + (g * CAST($2 AS double precision) / CAST($3 AS double precision)) * interval '1 millisecond',
  CASE WHEN g % 50 = 25 THEN 'HIVE' ELSE 'SWARM' END,
  'swarm-' || ((g * $4::bigint / $3::bigint) % $5::bigint), 'swarm-' || ((g * $4::bigint / $3::bigint) % $5::bigint),
  'run-' || (g * $4::bigint / $3::bigint),
  'generator', 'generator-' || (g % 3),
  CASE WHEN g % 50 = 0 THEN 'ERROR' WHEN g % 10 = 0 THEN 'WARN' ELSE 'INFO' END,
  'OUT', 'signal', 'config-update', 'swarm-controller',
  'corr-' || (g / 10),
  'ph.swarm-' || ((g * $4::bigint / $3::bigint) % $5::bigint) || '.signal.config-update',
  jsonb_build_object('step', g, 'ratePerSec', 250, 'enabled', true, 'note', 'bench payload to make the row realistic'),
  jsonb_build_object('worker', jsonb_build_object('host', 'host-' || (g % 7), 'pid', 1000 + g % 50))
FROM generate_series(CAST($6 AS bigint), CAST($7 AS bigint) - 1) AS g`;

/** journal_run statistics as ingest would have maintained them, from the seeded events. */
const SEED_RUNS_SQL = `
INSERT INTO journal_run (swarm_id, run_id, first_ts, last_ts, entries, warn_count, error_count)
SELECT swarm_id, run_id, min(ts), max(ts), count(*),
  count(*) FILTER (WHERE severity = 'WARN'), count(*) FILTER (WHERE severity = 'ERROR')
FROM journal_event
WHERE swarm_id IS NOT NULL
GROUP BY swarm_id, run_id
ON CONFLICT (swarm_id, run_id) DO UPDATE SET first_ts = EXCLUDED.first_ts, last_ts = EXCLUDED.last_ts,
  entries = EXCLUDED.entries, warn_count = EXCLUDED.warn_count, error_count = EXCLUDED.error_count`;

/**
 * Seeds `shape.events` events over the `shape.days` UTC days ending with `last` (yesterday), one INSERT ... SELECT
 * per day into its partition (created first), then the runs table, then ANALYZE. Direct SQL, not
 * ingest: the read benchmarks need a large journal quickly, ingest has its own benchmark.
 */
export async function seedEvents(
  db: BenchDatabase,
  shape: JournalShape,
  last: string = addDays(utcDayOf(new Date()), -1),
): Promise<SeededJournal> {
  const started = performance.now();
  const days = Array.from({ length: shape.days }, (_, i) => addDays(last, i - shape.days + 1));
  const first = days[0] ?? last;
  const spanMs = shape.days * 86_400_000;
  const client = await db.pg.connect();
  try {
    await client.query('SET synchronous_commit = off');
    for (const day of days) await client.query('SELECT journal_ensure_partition($1::date)', [day]);
    const perDay = Math.ceil(shape.events / shape.days);
    for (let from = 0; from < shape.events; from += perDay) {
      const to = Math.min(shape.events, from + perDay);
      await client.query(SEED_DAY_SQL, [
        `${first}T00:00:00Z`,
        spanMs,
        shape.events,
        shape.runs,
        shape.swarms,
        from,
        to,
      ]);
    }
    await client.query(SEED_RUNS_SQL);
    await client.query('ANALYZE journal_event');
    await client.query('ANALYZE journal_run');
  } finally {
    client.release();
  }
  return { shape, days, seconds: Math.round(performance.now() - started) / 1000 };
}
