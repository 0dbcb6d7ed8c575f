import { describe, expect, test } from 'vitest';
import { UsageError } from '../../lib/cli/cli-errors.ts';
import type { LocalConfigFile } from '../../lib/cli/local-config.ts';
import { resolveEndpoints, sqsClientConfig } from '../../lib/cli/resolve-endpoints.ts';

const LOCAL: LocalConfigFile = {
  status: 'found',
  path: '/repo/.hive-journal/local.json',
  config: {
    apiUrl: 'http://127.0.0.1:4000',
    sqsEndpoint: 'http://127.0.0.1:4100',
    queueUrl: 'http://127.0.0.1:4100/000000000000/hive-journal-ingest',
  },
};
const NO_LOCAL: LocalConfigFile = { status: 'missing', path: '/repo/.hive-journal/local.json' };
const AWS_QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/hive-journal-ingest';

describe('resolveEndpoints', () => {
  test('takes a flag over the environment and the environment over local.json', () => {
    const env = { HIVE_JOURNAL_API_URL: 'https://env.example/api' };

    const fromFlag = resolveEndpoints({ 'api-url': 'https://flag.example/api' }, env, LOCAL);
    const fromEnv = resolveEndpoints({}, env, LOCAL);
    const fromFile = resolveEndpoints({}, {}, LOCAL);

    expect([fromFlag.apiUrl?.source, fromEnv.apiUrl?.source, fromFile.apiUrl?.source]).toEqual([
      'flag',
      'env',
      'local.json',
    ]);
    expect(fromEnv.apiUrl?.value).toBe('https://env.example/api');
  });

  test("uses local.json's SQS endpoint only with local.json's queue", () => {
    const endpoints = resolveEndpoints({ 'queue-url': AWS_QUEUE }, {}, LOCAL);

    expect(endpoints.sqsEndpoint).toBeUndefined();
    expect(endpoints.localSqs).toBe(false);
    expect(sqsClientConfig(endpoints)).toEqual({ region: 'eu-west-1' });
  });

  test('gives the local stack placeholder credentials and its region', () => {
    const endpoints = resolveEndpoints({}, {}, LOCAL);

    expect(sqsClientConfig(endpoints)).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4100',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  test('takes the region from a flag, then AWS_REGION, then the queue host', () => {
    const env = { AWS_REGION: 'ap-south-1' };

    expect(resolveEndpoints({ region: 'us-west-2', 'queue-url': AWS_QUEUE }, env, NO_LOCAL).region).toBe(
      'us-west-2',
    );
    expect(resolveEndpoints({ 'queue-url': AWS_QUEUE }, env, NO_LOCAL).region).toBe('ap-south-1');
    expect(resolveEndpoints({ 'queue-url': AWS_QUEUE }, {}, NO_LOCAL).region).toBe('eu-west-1');
  });

  test('signs API requests to an execute-api host, and not to others unless told', () => {
    const gateway = 'https://abc123.execute-api.eu-central-1.amazonaws.com/prod';

    expect(resolveEndpoints({ 'api-url': gateway }, {}, NO_LOCAL)).toMatchObject({
      apiAuth: 'iam',
      region: 'eu-central-1',
    });
    expect(resolveEndpoints({ 'api-url': 'https://journal.example.com' }, {}, NO_LOCAL).apiAuth).toBe('none');
    expect(
      resolveEndpoints(
        { 'api-url': 'https://journal.example.com' },
        { HIVE_JOURNAL_API_AUTH: 'IAM' },
        NO_LOCAL,
      ).apiAuth,
    ).toBe('iam');
  });

  test('refuses a flag that is not an http(s) URL, naming it', () => {
    expect(() => resolveEndpoints({ 'queue-url': 'sqs://queue' }, {}, NO_LOCAL)).toThrow(
      new UsageError('--queue-url is not an http(s) URL: sqs://queue'),
    );
  });
});

describe('resolveEndpoints with the template stack’s local.json', () => {
  const SIGNED_LOCAL: LocalConfigFile = {
    status: 'found',
    path: '/repo/.hive-journal/local.json',
    config: {
      ...(LOCAL.status === 'found' ? LOCAL.config : {}),
      apiUrl: 'http://127.0.0.1:4000/v1/',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIALOCAL', secretAccessKey: 'secret' },
    },
  };

  test('signs API requests with the local credentials when the API is the local stack’s', () => {
    const endpoints = resolveEndpoints({}, {}, SIGNED_LOCAL);

    expect(endpoints.apiAuth).toBe('iam');
    expect(endpoints.localCredentials).toEqual({ accessKeyId: 'AKIALOCAL', secretAccessKey: 'secret' });
    expect(sqsClientConfig(endpoints).credentials).toEqual({
      accessKeyId: 'AKIALOCAL',
      secretAccessKey: 'secret',
    });
  });

  test('never hands the local credentials to an API given by flag', () => {
    const endpoints = resolveEndpoints(
      { 'api-url': 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/', 'queue-url': AWS_QUEUE },
      {},
      SIGNED_LOCAL,
    );

    expect(endpoints.apiAuth).toBe('iam');
    expect(endpoints.localCredentials).toBeUndefined();
  });

  test('leaves an old local.json without credentials unsigned', () => {
    expect(resolveEndpoints({}, {}, LOCAL).apiAuth).toBe('none');
  });
});
