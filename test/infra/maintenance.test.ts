import { Duration } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  actionsOf,
  environmentOf,
  logicalIdOf,
  only,
  onlyResourceOf,
  render,
  resourceOf,
  resourcesIn,
  resourcesOf,
  type SynthesizedJournal,
  statementsByRole,
  synthJournal,
} from './journal-synth.ts';

describe('maintenance (defaults)', () => {
  let journal: SynthesizedJournal;
  let fnId: string;
  let dlqId: string;
  beforeAll(() => {
    journal = synthJournal();
    fnId = logicalIdOf(journal.service.maintenance.function);
    dlqId = logicalIdOf(journal.service.maintenance.deadLetterQueue);
  });

  test('runs every 15 minutes by EventBridge Scheduler, not by an Events rule', () => {
    const [, schedule] = onlyResourceOf(journal.template, 'AWS::Scheduler::Schedule');

    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(resourcesOf(journal.template, 'AWS::Events::Rule')).toEqual({});
  });

  test('invokes the maintenance function, retrying twice within an hour, then dead-lettering', () => {
    const [, schedule] = onlyResourceOf(journal.template, 'AWS::Scheduler::Schedule');

    expect(schedule.Properties.Target).toMatchObject({
      Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    });
  });

  test('dead-letters a run that still throws after Lambda retried it', () => {
    journal.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
  });

  test('lets Scheduler invoke this function only, from this account only', () => {
    const [, schedule] = onlyResourceOf(journal.template, 'AWS::Scheduler::Schedule');
    const roleId = render((schedule.Properties.Target as { RoleArn: unknown }).RoleArn).replace(
      /^\$\{(.*)\.Arn\}$/,
      '$1',
    );
    const role = resourcesOf(journal.template, 'AWS::IAM::Role')[roleId];
    const invoke = only(
      (statementsByRole(journal.template).get(roleId) ?? []).filter((s) =>
        actionsOf(s).includes('lambda:InvokeFunction'),
      ),
    );

    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
    expect(resourcesIn(invoke)).toEqual([`\${${fnId}.Arn}`, `\${${fnId}.Arn}:*`]);
  });

  test('keeps dead letters 14 days, encrypted', () => {
    const queue = resourcesOf(journal.template, 'AWS::SQS::Queue')[dlqId];

    expect(queue?.Properties).toMatchObject({
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    });
  });

  test('gives a run 5 minutes and leaves retention to the function defaults', () => {
    const fn = resourceOf(journal.template, 'AWS::Lambda::Function', journal.service.maintenance.function);
    const variables = environmentOf(journal.template, journal.service.maintenance.function);

    expect(fn?.Properties.Timeout).toBe(300);
    expect(Object.keys(variables).filter((name) => /RETENTION|DAYS_AHEAD|QUIET/.test(name))).toEqual([]);
  });
});

describe('maintenance (props)', () => {
  test('takes the schedule, retries and retention settings from props', () => {
    const { template } = synthJournal({
      maintenance: {
        schedule: ScheduleExpression.cron({ minute: '*/5' }),
        retryAttempts: 1,
        timeout: Duration.minutes(10),
        retentionDays: 30,
        partitionDaysAhead: 7,
        captureQuietMinutes: 45,
      },
    });
    const [, schedule] = onlyResourceOf(template, 'AWS::Scheduler::Schedule');

    expect(schedule.Properties.ScheduleExpression).toBe('cron(*/5 * * * ? *)');
    expect(schedule.Properties.Target).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: 1 } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 600,
      Environment: {
        Variables: {
          JOURNAL_RETENTION_DAYS: '30',
          JOURNAL_PARTITION_DAYS_AHEAD: '7',
          JOURNAL_CAPTURE_QUIET_MINUTES: '45',
        },
      },
    });
  });
});
