import { describe, expect, test } from 'vitest';
import { IngestEnv } from '../../lib/config/ingest-config.ts';
import { ConfigurationError, parseEnv } from '../../lib/config/parse-env.ts';
import { DEFAULT_PAYLOAD_LIMITS } from '../../lib/journal/payload-bounds.ts';

const valid = {
  JOURNAL_CLUSTER_ARN: 'arn:aws:rds:eu-west-1:123456789012:cluster:journal',
  JOURNAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:journal-AbCdEf',
  JOURNAL_DATABASE: 'journal',
};

describe('ingest function configuration', () => {
  test('parses the resource names and defaults the payload limits to the documented ones', () => {
    const config = parseEnv(IngestEnv, valid);

    expect(config.JOURNAL_DATABASE).toBe('journal');
    expect(config.payloadLimits).toEqual(DEFAULT_PAYLOAD_LIMITS);
  });

  test('takes payload limits from the environment', () => {
    const config = parseEnv(IngestEnv, { ...valid, JOURNAL_PAYLOAD_LIMIT_RAW_BYTES: '4096' });

    expect(config.payloadLimits.raw).toBe(4096);
  });

  test('fails at cold start naming every missing resource, never defaulting one', () => {
    expect(() => parseEnv(IngestEnv, { JOURNAL_DATABASE: 'journal' })).toThrow(ConfigurationError);
    expect(() => parseEnv(IngestEnv, { JOURNAL_DATABASE: 'journal' })).toThrow(
      /JOURNAL_CLUSTER_ARN.*JOURNAL_SECRET_ARN/,
    );
  });

  test('refuses a value that is not an ARN of the right service', () => {
    expect(() => parseEnv(IngestEnv, { ...valid, JOURNAL_SECRET_ARN: valid.JOURNAL_CLUSTER_ARN })).toThrow(
      /JOURNAL_SECRET_ARN: must be a Secrets Manager secret ARN/,
    );
  });
});
