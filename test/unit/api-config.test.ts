import { describe, expect, test } from 'vitest';
import { ApiEnv, ApiReadEnv } from '../../lib/config/api-config.ts';
import { parseEnv } from '../../lib/config/parse-env.ts';

const DATA_API = {
  JOURNAL_CLUSTER_ARN: 'arn:aws:rds:eu-west-1:123456789012:cluster:journal',
  JOURNAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:journal-AbCdEf',
  JOURNAL_DATABASE: 'journal',
};
const DLQ_URLS = {
  JOURNAL_INGEST_DLQ_URL:
    'https://sqs.eu-west-1.amazonaws.com/123456789012/Journal-IngestDeadLetterQueue-AbC123',
  JOURNAL_MAINTENANCE_DLQ_URL: 'http://127.0.0.1:4566/000000000000/journal-maintenance-dlq',
};

describe('the read function environment (ApiReadEnv)', () => {
  test("gives the dead-letter queues' URLs by queue, with the API's own settings", () => {
    const config = parseEnv(ApiReadEnv, {
      ...DATA_API,
      ...DLQ_URLS,
      JOURNAL_CORS_ALLOWED_ORIGINS: 'https://hive.example.com',
    });

    expect(config.deadLetterQueueUrls).toEqual({
      ingest: DLQ_URLS.JOURNAL_INGEST_DLQ_URL,
      maintenance: DLQ_URLS.JOURNAL_MAINTENANCE_DLQ_URL,
    });
    expect(config.corsAllowedOrigins).toEqual(['https://hive.example.com']);
  });

  test('fails at cold start naming a missing dead-letter queue URL, never defaulting it', () => {
    expect(() =>
      parseEnv(ApiReadEnv, { ...DATA_API, JOURNAL_INGEST_DLQ_URL: DLQ_URLS.JOURNAL_INGEST_DLQ_URL }),
    ).toThrow('JOURNAL_MAINTENANCE_DLQ_URL: Invalid input: expected string, received undefined');
  });

  test('refuses a dead-letter queue given by name or ARN instead of URL', () => {
    expect(() =>
      parseEnv(ApiReadEnv, {
        ...DATA_API,
        ...DLQ_URLS,
        JOURNAL_INGEST_DLQ_URL: 'arn:aws:sqs:eu-west-1:123456789012:journal-dlq',
      }),
    ).toThrow('JOURNAL_INGEST_DLQ_URL: must be an SQS queue URL');
  });

  test('is not asked of the write function (ApiEnv)', () => {
    expect(parseEnv(ApiEnv, DATA_API).corsAllowedOrigins).toEqual([]);
  });

  test('gives the link targets when set, none when not, and needs a dashboard uid with a Grafana URL', () => {
    const none = parseEnv(ApiReadEnv, { ...DATA_API, ...DLQ_URLS });
    expect(none.links).toEqual({ grafana: null, console: null });

    const set = parseEnv(ApiReadEnv, {
      ...DATA_API,
      ...DLQ_URLS,
      JOURNAL_GRAFANA_URL: 'https://grafana.example.com/',
      JOURNAL_GRAFANA_DASHBOARD_UID: 'hive-journal',
      JOURNAL_CONSOLE_REGION: 'eu-west-1',
      JOURNAL_TRACE_LOG_GROUPS: '/aws/lambda/a, /aws/lambda/b',
    });
    expect(set.links).toEqual({
      grafana: { baseUrl: 'https://grafana.example.com', dashboardUid: 'hive-journal' },
      console: { region: 'eu-west-1', logGroupNames: ['/aws/lambda/a', '/aws/lambda/b'] },
    });

    expect(() =>
      parseEnv(ApiReadEnv, { ...DATA_API, ...DLQ_URLS, JOURNAL_GRAFANA_URL: 'https://grafana.example.com' }),
    ).toThrow(
      'JOURNAL_GRAFANA_DASHBOARD_UID: JOURNAL_GRAFANA_DASHBOARD_UID is required with JOURNAL_GRAFANA_URL',
    );
    expect(() =>
      parseEnv(ApiReadEnv, { ...DATA_API, ...DLQ_URLS, JOURNAL_CONSOLE_REGION: 'Europe' }),
    ).toThrow('JOURNAL_CONSOLE_REGION: must be an AWS region');
  });
});
