import * as z from 'zod/mini';
import { DEFAULT_ARCHIVE_SETTINGS } from '../use-cases/archive-capture.ts';
import { DEFAULT_MAINTENANCE_SETTINGS, type MaintenanceSettings } from '../use-cases/run-maintenance.ts';
import { DataApiEnv } from './data-api-config.ts';

const whole = (min: number, max: number) => z.coerce.number().check(z.int(), z.gte(min), z.lte(max));

/**
 * The maintenance function's environment: where the database is (required, no defaults), and the
 * retention policy with documented defaults:
 * - JOURNAL_RETENTION_DAYS (14): partitions of days before today − this many days are dropped;
 * - JOURNAL_PARTITION_DAYS_AHEAD (3): partitions exist from yesterday to this many days ahead;
 * - JOURNAL_CAPTURE_QUIET_MINUTES (30): a pinned run with no event for this long has ended (when its
 *   lifecycle does not say so), so its capture can complete.
 */
export const MaintenanceEnv = z.pipe(
  z.extend(DataApiEnv, {
    JOURNAL_RETENTION_DAYS: z._default(whole(1, 3650), DEFAULT_MAINTENANCE_SETTINGS.retentionDays),
    JOURNAL_PARTITION_DAYS_AHEAD: z._default(whole(0, 60), DEFAULT_MAINTENANCE_SETTINGS.daysAhead),
    JOURNAL_CAPTURE_QUIET_MINUTES: z._default(
      whole(1, 7 * 24 * 60),
      DEFAULT_ARCHIVE_SETTINGS.quietMs / 60_000,
    ),
  }),
  z.transform((env) => ({
    ...env,
    settings: {
      ...DEFAULT_MAINTENANCE_SETTINGS,
      retentionDays: env.JOURNAL_RETENTION_DAYS,
      daysAhead: env.JOURNAL_PARTITION_DAYS_AHEAD,
      archive: { ...DEFAULT_ARCHIVE_SETTINGS, quietMs: env.JOURNAL_CAPTURE_QUIET_MINUTES * 60_000 },
    } satisfies MaintenanceSettings,
  })),
);
