import { describe, expect, test } from 'vitest';
import { MaintenanceEnv } from '../../lib/config/maintenance-config.ts';
import { ConfigurationError, parseEnv } from '../../lib/config/parse-env.ts';

const RESOURCES = {
  JOURNAL_CLUSTER_ARN: 'arn:aws:rds:eu-west-1:123456789012:cluster:journal',
  JOURNAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:journal-AbCdEf',
  JOURNAL_DATABASE: 'journal',
};

describe('maintenance configuration', () => {
  test('retention, days ahead and the quiet time default to 14 days, 3 days and 30 minutes', () => {
    const config = parseEnv(MaintenanceEnv, RESOURCES);

    expect(config.settings).toMatchObject({
      retentionDays: 14,
      daysAhead: 3,
      archive: { quietMs: 30 * 60_000 },
    });
  });

  test('the policy can be set from the environment', () => {
    const config = parseEnv(MaintenanceEnv, {
      ...RESOURCES,
      JOURNAL_RETENTION_DAYS: '30',
      JOURNAL_PARTITION_DAYS_AHEAD: '7',
      JOURNAL_CAPTURE_QUIET_MINUTES: '90',
    });

    expect(config.settings).toMatchObject({
      retentionDays: 30,
      daysAhead: 7,
      archive: { quietMs: 90 * 60_000 },
    });
  });

  test.each([
    ['a missing cluster ARN', { JOURNAL_CLUSTER_ARN: undefined }, /JOURNAL_CLUSTER_ARN/],
    ['a retention of zero days', { JOURNAL_RETENTION_DAYS: '0' }, /JOURNAL_RETENTION_DAYS/],
    [
      'a fractional number of days ahead',
      { JOURNAL_PARTITION_DAYS_AHEAD: '1.5' },
      /JOURNAL_PARTITION_DAYS_AHEAD/,
    ],
  ])('%s fails at cold start, naming the variable', (_case, overrides, name) => {
    expect(() => parseEnv(MaintenanceEnv, { ...RESOURCES, ...overrides })).toThrow(ConfigurationError);
    expect(() => parseEnv(MaintenanceEnv, { ...RESOURCES, ...overrides })).toThrow(name);
  });
});
