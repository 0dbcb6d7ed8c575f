import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { JournalApi } from './journal-api.ts';
import type { JournalDatabase } from './journal-database.ts';
import { type JournalFunctionDefaults, serviceNameOf } from './journal-function.ts';
import type { JournalIngest } from './journal-ingest.ts';
import type { JournalMaintenance } from './journal-maintenance.ts';
import type { PropsProblems } from './props-problems.ts';

export interface JournalObservabilityOptions {
  /** Addresses subscribed to the alarm topic. Default: none. */
  readonly alarmEmails?: readonly string[];
  /**
   * A customer-managed KMS key for the alarm topic; its key policy must let cloudwatch.amazonaws.com
   * use it (kms:Decrypt, kms:GenerateDataKey*). Default: unencrypted (alarms carry no journal data).
   */
  readonly alarmTopicKey?: IKey;
  /** Age of the oldest ingest message that means events are stuck, 1 min to 4 days. Default: 10 minutes. */
  readonly stuckIngestAge?: Duration;
  /** Ingest invocations that fail, in percent over 5 minutes. Default: 25. */
  readonly ingestErrorRatePercent?: number;
  /** API requests answered 5xx, in percent over 5 minutes. Default: 5. */
  readonly apiServerErrorRatePercent?: number;
}

export interface JournalObservabilitySettings {
  readonly alarmEmails: readonly string[];
  readonly alarmTopicKey: IKey | undefined;
  readonly stuckIngestAge: Duration;
  readonly ingestErrorRatePercent: number;
  readonly apiServerErrorRatePercent: number;
}

export function resolveObservabilitySettings(
  options: JournalObservabilityOptions = {},
  problems: PropsProblems,
): JournalObservabilitySettings {
  const settings: JournalObservabilitySettings = {
    alarmEmails: options.alarmEmails ?? [],
    alarmTopicKey: options.alarmTopicKey,
    stuckIngestAge: options.stuckIngestAge ?? Duration.minutes(10),
    ingestErrorRatePercent: options.ingestErrorRatePercent ?? 25,
    apiServerErrorRatePercent: options.apiServerErrorRatePercent ?? 5,
  };
  problems.seconds('observability.stuckIngestAge', settings.stuckIngestAge, 60, 4 * 86_400);
  problems.integer('observability.ingestErrorRatePercent', settings.ingestErrorRatePercent, 1, 100);
  problems.integer('observability.apiServerErrorRatePercent', settings.apiServerErrorRatePercent, 1, 100);
  for (const email of settings.alarmEmails) {
    if (!/^[^@\s]+@[^@\s]+$/.test(email))
      problems.add('observability.alarmEmails', `holds a non-address: ${email}`);
  }
  return settings;
}

/**
 * The metric the maintenance function publishes each run (Powertools, namespace HiveJournal,
 * dimension service=<serviceName>-maintenance): captures whose archival started more than an hour ago
 * and is still running. Documented in docs/deploy.md.
 */
export const CAPTURES_STUCK_ARCHIVING_METRIC = 'CapturesStuckArchiving';

export interface JournalObservabilityProps {
  readonly settings: JournalObservabilitySettings;
  readonly defaults: JournalFunctionDefaults;
  readonly database: JournalDatabase;
  readonly ingest: JournalIngest;
  readonly api: JournalApi;
  readonly maintenance: JournalMaintenance;
}

const FIVE_MINUTES = Duration.minutes(5);

/** The alarms (seed thresholds, all to one SNS topic) and the CloudWatch dashboard of the service. */
export class JournalObservability extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: JournalObservabilityProps) {
    super(scope, id);
    const { settings, ingest, api, maintenance, database } = props;
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `${props.defaults.serviceName} alarms`,
      enforceSSL: true,
      ...(settings.alarmTopicKey ? { masterKey: settings.alarmTopicKey } : {}),
    });
    for (const email of settings.alarmEmails) this.alarmTopic.addSubscription(new EmailSubscription(email));
    // enforceSSL gives the topic a policy holding only a Deny; with a topic policy present, CloudWatch
    // needs an Allow of its own or the alarm notifications never arrive. Scoped to this account's alarms.
    const stack = Stack.of(this);
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (!settings.alarmTopicKey) {
      NagSuppressions.addResourceSuppressions(this.alarmTopic, [
        {
          id: 'AwsSolutions-SNS2',
          reason:
            'Alarm notifications carry alarm names and states, no journal data; CloudWatch cannot publish to a topic under the AWS-managed SNS key, so encryption takes a customer-managed key (props.observability.alarmTopicKey).',
        },
      ]);
    }

    const journalMetric = (entry: 'ingest' | 'maintenance', metricName: string, statistic: string) =>
      new Metric({
        namespace: props.defaults.metricsNamespace,
        metricName,
        dimensionsMap: { service: serviceNameOf(props.defaults, entry) },
        statistic,
        period: Duration.minutes(1),
      });

    this.alarm('IngestDeadLetters', {
      description: 'Journal messages failed every retry and wait in the ingest dead-letter queue.',
      metric: ingest.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
    });
    this.alarm('IngestStuck', {
      description: `The oldest ingest message is older than ${settings.stuckIngestAge.toHumanString()}: events are not being stored.`,
      metric: ingest.queue.metricApproximateAgeOfOldestMessage({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      threshold: settings.stuckIngestAge.toSeconds(),
    });
    this.alarm('IngestErrorRate', {
      description: `More than ${settings.ingestErrorRatePercent}% of ingest invocations failed over 5 minutes.`,
      metric: new MathExpression({
        label: 'Ingest errors (%)',
        expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
        usingMetrics: {
          errors: ingest.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          invocations: ingest.function.metricInvocations({ period: FIVE_MINUTES, statistic: 'Sum' }),
        },
        period: FIVE_MINUTES,
      }),
      threshold: settings.ingestErrorRatePercent,
    });
    this.alarm('ApiServerErrorRate', {
      description: `More than ${settings.apiServerErrorRatePercent}% of API requests were answered 5xx over 5 minutes.`,
      metric: new MathExpression({
        label: 'API 5xx (%)',
        expression: 'IF(requests > 0, 100 * serverErrors / requests, 0)',
        usingMetrics: {
          serverErrors: api.restApi.deploymentStage.metricServerError({
            period: FIVE_MINUTES,
            statistic: 'Sum',
          }),
          requests: api.restApi.deploymentStage.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' }),
        },
        period: FIVE_MINUTES,
      }),
      threshold: settings.apiServerErrorRatePercent,
    });
    this.alarm('MaintenanceFailed', {
      description: 'A maintenance run failed (partition upkeep, capture archival or retention).',
      metric: maintenance.function.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
      threshold: 0,
    });
    this.alarm('MaintenanceDeadLetters', {
      description: 'Maintenance runs failed every retry, or Scheduler could not invoke the function.',
      // As IngestDeadLetters and the HiveJournalDeadLetters rule (docs/metrics.md): any message, at once.
      metric: maintenance.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
    });
    this.alarm('CapturesStuckArchiving', {
      description: 'Pinned-run captures pinned over an hour ago have failed or not caught up with their run.',
      metric: journalMetric('maintenance', CAPTURES_STUCK_ARCHIVING_METRIC, 'Maximum').with({
        period: Duration.minutes(15),
      }),
      threshold: 0,
    });
    this.alarm('DatabaseAtMaxCapacity', {
      description: `Aurora has been at its maximum capacity (${database.maxCapacity} ACU) for 15 minutes.`,
      metric: database.cluster.metricServerlessDatabaseCapacity({
        period: FIVE_MINUTES,
        statistic: 'Minimum',
      }),
      threshold: database.maxCapacity,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-${props.defaults.serviceName}`,
      defaultInterval: Duration.hours(3),
    });
    const sum = (entry: 'ingest', name: string) => journalMetric(entry, name, 'Sum');
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Ingest rate (per minute)',
        left: [
          sum('ingest', 'EventsReceived'),
          sum('ingest', 'EventsStored'),
          sum('ingest', 'DuplicatesSkipped'),
          ingest.queue.metricNumberOfMessagesSent({
            period: Duration.minutes(1),
            label: 'Messages published',
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Ingest lag',
        left: [
          journalMetric('ingest', 'IngestLagMax', 'Maximum').with({ label: 'Lag max (ms)' }),
          journalMetric('ingest', 'IngestLagMean', 'Average').with({ label: 'Lag mean (ms)' }),
          journalMetric('ingest', 'BatchLatency', 'p90').with({ label: 'Batch latency p90 (ms)' }),
        ],
        right: [
          ingest.queue.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(1),
            label: 'Oldest queued message (s)',
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Ingest errors',
        left: [
          sum('ingest', 'MessagesFailed'),
          sum('ingest', 'MessagesRejected'),
          sum('ingest', 'EventsRejected'),
          ingest.function.metricErrors({ period: Duration.minutes(1), label: 'Invocation errors' }),
        ],
        right: [
          ingest.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            label: 'Dead letters',
          }),
        ],
        width: 8,
      }),
    );
    const stage = api.restApi.deploymentStage;
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          stage.metricLatency({ statistic: 'p50', period: Duration.minutes(1), label: 'p50' }),
          stage.metricLatency({ statistic: 'p90', period: Duration.minutes(1), label: 'p90' }),
          stage.metricLatency({ statistic: 'p99', period: Duration.minutes(1), label: 'p99' }),
          stage.metricIntegrationLatency({
            statistic: 'p90',
            period: Duration.minutes(1),
            label: 'integration p90',
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'API requests and errors',
        left: [stage.metricCount({ period: Duration.minutes(1), label: 'Requests' })],
        right: [
          stage.metricClientError({ period: Duration.minutes(1), label: '4xx' }),
          stage.metricServerError({ period: Duration.minutes(1), label: '5xx' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Database capacity (ACU)',
        left: [
          database.cluster.metricServerlessDatabaseCapacity({ period: Duration.minutes(1), label: 'ACU' }),
        ],
        leftAnnotations: [{ value: database.maxCapacity, label: 'max ACU' }],
        right: [
          database.cluster.metric('ACUUtilization', { period: Duration.minutes(1), label: 'ACU used (%)' }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Maintenance',
        left: [
          maintenance.function.metricInvocations({ period: Duration.minutes(15) }),
          maintenance.function.metricErrors({ period: Duration.minutes(15) }),
          journalMetric('maintenance', CAPTURES_STUCK_ARCHIVING_METRIC, 'Maximum').with({
            period: Duration.minutes(15),
          }),
        ],
        width: 8,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 16 }),
    );
  }

  private alarm(
    id: string,
    props: {
      description: string;
      metric: IMetric;
      threshold: number;
      comparisonOperator?: ComparisonOperator;
      evaluationPeriods?: number;
    },
  ): Alarm {
    const evaluationPeriods = props.evaluationPeriods ?? 1;
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator ?? ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }
}
