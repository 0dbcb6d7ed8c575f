import { expect, test } from 'vitest';
import { DataApiEnv } from '../../lib/config/data-api-config.ts';
import { parseEnv } from '../../lib/config/parse-env.ts';

// The config schemas are zod/mini, which loads no locale of its own: this file loads no classic zod,
// as the migrate function and the authorizer do not.
test('says what a missing variable should have been, not only that it is invalid', () => {
  expect(() =>
    parseEnv(DataApiEnv, {
      JOURNAL_CLUSTER_ARN: 'arn:aws:rds:eu-west-1:123456789012:cluster:journal',
      JOURNAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:journal-AbCdEf',
    }),
  ).toThrow('JOURNAL_DATABASE: Invalid input: expected string, received undefined');
});
