import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, test } from 'vitest';
import { HIVE_JOURNAL_WRITER } from '../../lib/client/backpressure-events.ts';
import { type JournalClientOptions, resolveClientOptions } from '../../lib/client/client-options.ts';

const QUEUE_URL = 'http://127.0.0.1:9324/000000000000/journal';

function options(overrides: Partial<JournalClientOptions> = {}): JournalClientOptions {
  return { queueUrl: QUEUE_URL, sqs: { region: 'us-east-1' }, ...overrides };
}

describe('resolveClientOptions', () => {
  test('fills the documented defaults', () => {
    const resolved = resolveClientOptions(options());

    expect(resolved).toMatchObject({
      bufferCapacity: 50_000,
      flushIntervalMs: 200,
      messageBudgetBytes: 65_536,
      maxMessageBytes: 262_144,
      maxEventsPerMessage: 1_000,
      retryBaseDelayMs: 100,
      retryMaxDelayMs: 5_000,
      requestTimeoutMs: 10_000,
      backpressureQuietMs: 5_000,
      healthWarningIntervalMs: 30_000,
      closeTimeoutMs: 10_000,
      writer: HIVE_JOURNAL_WRITER,
      logger: console,
    });
    expect(resolved.clock()).toBeTypeOf('number');
  });

  test('accepts an SQSClient the caller built', () => {
    const sqs = new SQSClient({ region: 'us-east-1' });

    expect(resolveClientOptions(options({ sqs })).sqs).toBe(sqs);
  });

  test('refuses a budget larger than the largest message', () => {
    expect(() => resolveClientOptions(options({ messageBudgetBytes: 300_000 }))).toThrow(
      /messageBudgetBytes: must not exceed maxMessageBytes/,
    );
  });

  test('refuses more events per message than an envelope may hold', () => {
    expect(() => resolveClientOptions(options({ maxEventsPerMessage: 1_001 }))).toThrow(
      /maxEventsPerMessage/,
    );
  });

  test('refuses a message size above what SQS accepts', () => {
    expect(() => resolveClientOptions(options({ maxMessageBytes: 1_048_577 }))).toThrow(/maxMessageBytes/);
  });

  test('refuses a writer whose backpressure events would be invalid', () => {
    const writer = { ...HIVE_JOURNAL_WRITER, swarmId: 'x'.repeat(200) };

    expect(() => resolveClientOptions(options({ writer }))).toThrow(
      /writer: makes invalid events: .*swarmId/,
    );
  });

  test('refuses a missing queue URL and an unknown option, naming both', () => {
    const bad = { sqs: {}, bufferSize: 10 } as unknown as JournalClientOptions;

    expect(() => resolveClientOptions(bad)).toThrow(/queueUrl.*bufferSize|bufferSize.*queueUrl/);
  });
});
