import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { JournalEvent } from '../../lib/journal/event-schema.ts';
import { parseMessageBody } from '../../lib/journal/parse-message.ts';
import { startDemo } from '../../local/demo/start-demo.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

let localSqs: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs);
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

const PROMISED = [
  'command/swarm-create',
  'signal/swarm-create',
  'outcome/swarm-create',
  'operation-terminal/swarm-create',
  'signal/swarm-start',
  'outcome/swarm-start',
  'outcome/swarm-stop',
  'worker/workers-provisioned',
  'plan/scenario-plan-loaded',
  'plan/scenario-step-started',
  'plan/scenario-step-completed',
  'plan/scenario-run-completed',
  'event/alert',
  'local/worker-error',
  'local/swarm-health-degraded',
  'infra/journal-backpressure-start',
  'infra/journal-backpressure-stop',
  'outcome/config-update',
];

test('publishes events of every promised kind, all valid, for an orchestrator and two swarms', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'demo-journal' }));
  const queueUrl = QueueUrl as string;
  const events: JournalEvent[] = [];
  const rejections: string[] = [];
  const logged: string[] = [];
  const seen = () => new Set(events.map((event) => `${event.kind}/${event.type}`));
  const demo = startDemo({
    queueUrl,
    sqs,
    log: (line) => logged.push(line),
    pace: 0.002,
    trickleEveryMs: 20_000,
  });

  try {
    while (!PROMISED.every((kindType) => seen().has(kindType))) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }),
      );
      expect(Messages.length).toBeGreaterThan(0);
      for (const message of Messages) {
        const parsed = parseMessageBody(message.Body ?? '', message.MessageId ?? 'message');
        if (!parsed.ok) rejections.push(parsed.reason);
        else {
          rejections.push(...parsed.rejected.map((rejected) => rejected.reason));
          events.push(...parsed.events.map((accepted) => accepted.event));
        }
      }
    }
  } finally {
    await demo.stop();
  }

  expect(rejections).toEqual([]);
  expect(logged.filter((line) => line.includes('refused'))).toEqual([]);
  expect([...new Set(events.map((event) => event.swarmId))].sort()).toEqual(['demo-alpha', 'demo-beta']);
  expect(new Set(events.map((event) => event.scope))).toEqual(new Set(['HIVE', 'SWARM']));
  expect(events.filter((event) => event.kind === 'event' && event.type === 'alert').length).toBeGreaterThan(
    5,
  );
});
