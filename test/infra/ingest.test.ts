import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  actionsOf,
  environmentOf,
  journalInStack,
  logicalIdOf,
  only,
  onlyResourceOf,
  resourceOf,
  resourcesIn,
  resourcesOf,
  roleIdOf,
  type SynthesizedJournal,
  statementsByRole,
  synthJournal,
} from './journal-synth.ts';

describe('ingest path (defaults)', () => {
  let journal: SynthesizedJournal;
  let queueId: string;
  let dlqId: string;
  beforeAll(() => {
    journal = synthJournal();
    queueId = logicalIdOf(journal.service.ingest.queue);
    dlqId = logicalIdOf(journal.service.ingest.deadLetterQueue);
  });

  test('encrypts both queues with SQS-managed keys', () => {
    const queues = resourcesOf(journal.template, 'AWS::SQS::Queue');

    expect(queues[queueId]?.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queues[dlqId]?.Properties.SqsManagedSseEnabled).toBe(true);
  });

  test('moves a message to the dead-letter queue after 5 receives; dead letters are kept 14 days', () => {
    const queues = resourcesOf(journal.template, 'AWS::SQS::Queue');

    expect(queues[queueId]?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(queues[dlqId]?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  test('hides a received message for 180 s, six times the 30 s function timeout', () => {
    const queue = resourcesOf(journal.template, 'AWS::SQS::Queue')[queueId];
    const fn = resourcesOf(journal.template, 'AWS::Lambda::Function')[
      logicalIdOf(journal.service.ingest.function)
    ];

    expect(fn?.Properties.Timeout).toBe(30);
    expect(queue?.Properties.VisibilityTimeout).toBe(180);
  });

  test('feeds the ingest function batches of 1,000 within 1 s, partial failures reported, 5 at a time', () => {
    const [, mapping] = onlyResourceOf(journal.template, 'AWS::Lambda::EventSourceMapping');

    expect(mapping.Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: logicalIdOf(journal.service.ingest.function) },
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  test('refuses unencrypted transport on both queues', () => {
    for (const id of [queueId, dlqId]) {
      journal.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Principal: { AWS: '*' },
            },
          ],
        },
      });
    }
  });

  test('lets the ingest function consume this queue only', () => {
    const role = roleIdOf(journal.service.ingest.function);
    const sqs = only(
      (statementsByRole(journal.template).get(role) ?? []).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('sqs:')),
      ),
    );

    expect(resourcesIn(sqs)).toEqual([`\${${queueId}.Arn}`]);
    expect(actionsOf(sqs)).toContain('sqs:DeleteMessage');
  });
});

describe('ingest path (props)', () => {
  let journal: SynthesizedJournal;
  beforeAll(() => {
    journal = synthJournal({
      ingest: {
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(5),
        maxConcurrency: 3,
        timeout: Duration.seconds(60),
        maxReceiveCount: 8,
        payloadLimits: { dataBytes: 4096 },
      },
    });
  });

  test('takes batch size, window and concurrency from props', () => {
    journal.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 3 },
    });
  });

  test('keeps the visibility timeout at six times the function timeout, and the receives from props', () => {
    const queue = resourceOf(journal.template, 'AWS::SQS::Queue', journal.service.ingest.queue);

    expect(queue.Properties.VisibilityTimeout).toBe(360);
    expect((queue.Properties.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(8);
  });

  test('passes payload limits to the function as JOURNAL_PAYLOAD_LIMIT_* variables', () => {
    const variables = environmentOf(journal.template, journal.service.ingest.function);

    expect(variables.JOURNAL_PAYLOAD_LIMIT_DATA_BYTES).toBe('4096');
    expect(variables).not.toHaveProperty('JOURNAL_PAYLOAD_LIMIT_RAW_BYTES');
  });
});

describe('grantPublish', () => {
  test('lets a producer send messages to the ingest queue and nothing else', () => {
    const { stack, service } = journalInStack();
    const producer = new Role(stack, 'Producer', { assumedBy: new AccountPrincipal('123456789012') });

    service.grantPublish(producer);

    const template = Template.fromStack(stack);
    const statement = only(statementsByRole(template).get(logicalIdOf(producer)) ?? []);
    expect(actionsOf(statement)).toContain('sqs:SendMessage');
    expect(actionsOf(statement).filter((action) => /Receive|Delete/.test(action))).toEqual([]);
    expect(resourcesIn(statement)).toEqual([`\${${logicalIdOf(service.ingest.queue)}.Arn}`]);
  });
});
