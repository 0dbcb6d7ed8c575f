import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { type ParsedFamily, parsePrometheusText, sampleValue } from '../support/prometheus-text.ts';
import { eventually, startTestTemplateStack, type TestTemplateStack } from '../support/template-stack.ts';

// GET /metrics of the synthesized template, run by the local cloud: the read function's bundle with
// the environment the template gives it (the dead-letter queues' URLs by Ref), the real ingest path
// (SQS SentTimestamp -> event source -> ingest bundle), and the SQS SDK reading the queues' depth.
let stack: TestTemplateStack;
let sqs: SQSClient;

beforeAll(async () => {
  stack = await startTestTemplateStack();
  sqs = new SQSClient({
    endpoint: stack.endpoints.sqsEndpoint,
    region: stack.endpoints.region,
    credentials: stack.endpoints.credentials,
  });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await stack?.close();
});

async function scrape(): Promise<Map<string, ParsedFamily>> {
  const response = await stack.signedFetch('metrics');
  expect(response.status).toBe(200);
  return parsePrometheusText(await response.text());
}

describe('GET /metrics of the template', () => {
  test('reads both dead-letter queues of the template: empty, then the message sent to the ingest one', async () => {
    const before = await scrape();
    await sqs.send(
      new SendMessageCommand({ QueueUrl: stack.endpoints.dlqUrl, MessageBody: envelope([journalEntry()]) }),
    );

    const after = await scrape();

    for (const queue of ['ingest', 'maintenance']) {
      expect(sampleValue(before, 'hive_journal_dead_letter_messages', { queue })).toBe(0);
      expect(sampleValue(after, 'hive_journal_dead_letter_read_failed', { queue })).toBe(0);
    }
    expect(sampleValue(after, 'hive_journal_dead_letter_messages', { queue: 'ingest' })).toBe(1);
    expect(sampleValue(after, 'hive_journal_dead_letter_messages', { queue: 'maintenance' })).toBe(0);
  });

  test('counts the queue wait of a message the ingest consumed, from its SentTimestamp', async () => {
    const wait = 'hive_journal_ingest_queue_wait_seconds';
    const count = (families: Map<string, ParsedFamily>) => sampleValue(families, wait, {}, `${wait}_count`);
    const before = count(await scrape());
    await sqs.send(
      new SendMessageCommand({ QueueUrl: stack.endpoints.queueUrl, MessageBody: envelope([journalEntry()]) }),
    );

    const after = await eventually('the message to be stored and its wait counted', async () => {
      const families = await scrape();
      return count(families) > before ? families : undefined;
    });

    expect(count(after)).toBe(before + 1);
    // the local event source takes it within its batching window (1 s) and a poll
    expect(sampleValue(after, wait, { le: '30' }, `${wait}_bucket`)).toBe(count(after));
  });
});
