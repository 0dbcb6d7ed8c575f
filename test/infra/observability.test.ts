import { Duration } from 'aws-cdk-lib';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  logicalIdOf,
  onlyResourceOf,
  render,
  resourcesOf,
  type SynthesizedJournal,
  synthJournal,
  type TemplateResource,
} from './journal-synth.ts';

interface MetricStat {
  readonly Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
  readonly Stat: string;
  readonly Period: number;
}

describe('alarms and dashboard (seed thresholds)', () => {
  let journal: SynthesizedJournal;
  let alarms: Record<string, TemplateResource>;
  let topicId: string;
  beforeAll(() => {
    journal = synthJournal();
    alarms = resourcesOf(journal.template, 'AWS::CloudWatch::Alarm');
    topicId = logicalIdOf(journal.service.alarmTopic);
  });

  const alarm = (id: string) => {
    const found = alarms[logicalIdOf(journal.service.observability.node.findChild(id))];
    if (!found?.Properties) throw new Error(`No alarm ${id}`);
    return found.Properties;
  };
  const mathMetrics = (id: string) =>
    Object.fromEntries(
      (alarm(id).Metrics as { Id: string; Expression?: string; MetricStat?: MetricStat }[]).map((metric) => [
        metric.Id,
        metric,
      ]),
    );

  test('notify the alarm topic when they fire and when they recover', () => {
    expect(Object.keys(alarms)).toHaveLength(8);
    for (const properties of Object.values(alarms).map((resource) => resource.Properties ?? {})) {
      expect(properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(properties.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  test("let CloudWatch publish to the alarm topic, for this account's alarms only, over TLS", () => {
    const [, policy] = onlyResourceOf(journal.template, 'AWS::SNS::TopicPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const allow = statements.find((statement) => statement.Effect === 'Allow');

    expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
    });
    const condition = allow?.Condition as {
      ArnLike: Record<string, unknown>;
      StringEquals: Record<string, unknown>;
    };
    expect(render(condition.ArnLike['aws:SourceArn'])).toBe(
      `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:*`,
    );
    expect(condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    // enforceSSL's Deny stays.
    expect(statements.some((statement) => statement.Effect === 'Deny')).toBe(true);
  });

  test('fire when the ingest dead-letter queue holds any message, within a minute', () => {
    expect(alarm('IngestDeadLetters')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(journal.service.ingest.deadLetterQueue), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      Period: 60,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  test('fire when the oldest ingest message is older than 10 minutes (stuck events)', () => {
    expect(alarm('IngestStuck')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(journal.service.ingest.queue), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      Threshold: 600,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('fire when more than 25% of ingest invocations fail over 5 minutes', () => {
    const metrics = mathMetrics('IngestErrorRate');
    const ingest = logicalIdOf(journal.service.ingest.function);

    expect(alarm('IngestErrorRate')).toMatchObject({
      Threshold: 25,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(Object.values(metrics).find((metric) => metric.Expression)?.Expression).toBe(
      'IF(invocations > 0, 100 * errors / invocations, 0)',
    );
    for (const [id, name] of [
      ['errors', 'Errors'],
      ['invocations', 'Invocations'],
    ] as const) {
      expect(metrics[id]?.MetricStat).toMatchObject({
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: name,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: ingest } }],
        },
        Stat: 'Sum',
        Period: 300,
      });
    }
  });

  test('fire when more than 5% of API requests are answered 5xx over 5 minutes', () => {
    const metrics = mathMetrics('ApiServerErrorRate');

    expect(alarm('ApiServerErrorRate')).toMatchObject({ Threshold: 5 });
    expect(metrics.serverErrors?.MetricStat?.Metric.MetricName).toBe('5XXError');
    expect(metrics.requests?.MetricStat?.Metric.MetricName).toBe('Count');
    expect(metrics.serverErrors?.MetricStat?.Metric.Dimensions.map((d) => d.Name).sort()).toEqual([
      'ApiName',
      'Stage',
    ]);
  });

  test('fire when a maintenance run fails or lands in its dead-letter queue (within a minute)', () => {
    expect(alarm('MaintenanceFailed')).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: logicalIdOf(journal.service.maintenance.function) } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarm('MaintenanceDeadLetters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(journal.service.maintenance.deadLetterQueue), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 0,
    });
  });

  test('fire when captures are stuck archiving, on the metric maintenance emits', () => {
    expect(alarm('CapturesStuckArchiving')).toMatchObject({
      Namespace: 'HiveJournal',
      MetricName: 'CapturesStuckArchiving',
      Dimensions: [{ Name: 'service', Value: 'hive-journal-maintenance' }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('fire when Aurora has stayed at its maximum capacity for 15 minutes', () => {
    expect(alarm('DatabaseAtMaxCapacity')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'ServerlessDatabaseCapacity',
      Dimensions: [
        { Name: 'DBClusterIdentifier', Value: { Ref: logicalIdOf(journal.service.database.cluster) } },
      ],
      Statistic: 'Minimum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 4,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('show ingest rate, lag and errors, API latency and database capacity on the dashboard', () => {
    const [, dashboard] = onlyResourceOf(journal.template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.parse(render(dashboard.Properties.DashboardBody).replace(/\$\{[^}]+\}/g, 'token')) as {
      widgets: { properties: { title: string; metrics?: unknown[] } }[];
    };
    const metricsOf = (title: string) =>
      JSON.stringify(body.widgets.find((widget) => widget.properties.title === title)?.properties.metrics);

    expect(metricsOf('Ingest rate (per minute)')).toMatch(/HiveJournal.*EventsReceived.*EventsStored/);
    expect(metricsOf('Ingest lag')).toMatch(/IngestLagMax.*IngestLagMean/);
    expect(metricsOf('Ingest errors')).toMatch(/MessagesFailed.*MessagesRejected.*EventsRejected/);
    expect(metricsOf('API latency (ms)')).toMatch(/AWS\/ApiGateway.*Latency/);
    expect(metricsOf('Database capacity (ACU)')).toMatch(/ServerlessDatabaseCapacity/);
  });
});

describe('alarms (props)', () => {
  test('take their thresholds and subscribers from props', () => {
    const { template, service } = synthJournal({
      observability: {
        stuckIngestAge: Duration.minutes(30),
        ingestErrorRatePercent: 10,
        alarmEmails: ['ops@example.com'],
      },
    });
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
    const byId = (id: string) => alarms[logicalIdOf(service.observability.node.findChild(id))]?.Properties;

    expect(byId('IngestStuck')?.Threshold).toBe(1800);
    expect(byId('IngestErrorRate')?.Threshold).toBe(10);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('the runbook (docs/operations.md)', () => {
  test('has a section for every alarm of the stack, by its construct id', async () => {
    const { readFile } = await import('node:fs/promises');
    const runbook = await readFile(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const headings = new Set([...runbook.matchAll(/^### `([A-Za-z0-9]+)`$/gm)].map((match) => match[1]));
    const { service } = synthJournal({ observability: { alarmEmails: ['ops@example.com'] } });
    const alarms = service.observability.alarms.map((alarm) => alarm.node.id);

    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.filter((id) => !headings.has(id))).toEqual([]);
  });
});
