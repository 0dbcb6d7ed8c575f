import { Duration } from 'aws-cdk-lib';
import { AuroraPostgresEngineVersion } from 'aws-cdk-lib/aws-rds';
import { describe, expect, test } from 'vitest';
import { problemsOf } from './journal-synth.ts';

describe('JournalService props', () => {
  test('accept the defaults', () => {
    expect(problemsOf({})).toEqual([]);
  });

  test('name every problem at once, by its path', () => {
    const problems = problemsOf({
      ingest: { batchSize: 20_000, maxConcurrency: 1 },
      api: { readTimeout: Duration.seconds(40) },
      database: { minCapacity: 0.3 },
    });

    expect(problems).toEqual([
      'database.minCapacity must be from 0 to 256 in steps of 0.5 (got 0.3)',
      'ingest.batchSize must be an integer from 1 to 10000 (got 20000)',
      'ingest.maxConcurrency must be an integer from 2 to 1000 (got 1)',
      'api.readTimeout must be whole seconds from 1 s to 29 s (got 40 seconds)',
    ]);
  });

  test('refuse a queue visibility timeout under six times the ingest timeout', () => {
    expect(
      problemsOf({ ingest: { timeout: Duration.seconds(60), visibilityTimeout: Duration.seconds(300) } }),
    ).toEqual(['ingest.visibilityTimeout must be at least 6 × ingest.timeout (360 s)']);
  });

  test('refuse a batch of more than 10 messages without a batching window of at least 1 s', () => {
    expect(problemsOf({ ingest: { batchSize: 100, maxBatchingWindow: Duration.seconds(0) } })).toEqual([
      'ingest.maxBatchingWindow must be at least 1 s when batchSize is above 10 (an SQS rule)',
    ]);
  });

  test('refuse an Aurora PostgreSQL version without the Data API', () => {
    expect(problemsOf({ database: { engineVersion: AuroraPostgresEngineVersion.VER_17_2 } })).toEqual([
      'database.engineVersion must be an Aurora PostgreSQL version with the Data API (17.4 or later; got 17.2)',
    ]);
  });

  test('refuse a minimum capacity above the maximum', () => {
    expect(problemsOf({ database: { minCapacity: 8, maxCapacity: 4 } })).toEqual([
      'database.minCapacity must not exceed maxCapacity (4)',
    ]);
  });

  test('refuse a maintenance timeout under 2 minutes (the function keeps 50 s in reserve)', () => {
    expect(problemsOf({ maintenance: { timeout: Duration.seconds(60) } })).toEqual([
      'maintenance.timeout must be whole seconds from 120 s to 900 s (got 1 minute)',
    ]);
  });

  test('refuse CORS origins that are not origins', () => {
    expect(problemsOf({ api: { corsOrigins: ['https://hive.example.com/ui'] } })).toEqual([
      'api.corsOrigins must hold origins like https://hive.example.com or * (got https://hive.example.com/ui)',
    ]);
  });
});
