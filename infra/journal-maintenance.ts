import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { JournalDatabase } from './journal-database.ts';
import { JournalFunction, type JournalFunctionDefaults } from './journal-function.ts';
import type { PropsProblems } from './props-problems.ts';

export interface JournalMaintenanceOptions {
  /** When maintenance runs (EventBridge Scheduler, UTC). Default: every 15 minutes. */
  readonly schedule?: ScheduleExpression;
  /** Function timeout, 2 to 15 minutes (it stops starting statements 50 s before). Default: 5 minutes. */
  readonly timeout?: Duration;
  /** Retries of an invocation that failed, by Scheduler (delivery) and Lambda (errors), 0 to 2. Default: 2. */
  readonly retryAttempts?: number;
  /** JOURNAL_RETENTION_DAYS (1 to 3,650); unset: the function's default (14). */
  readonly retentionDays?: number;
  /** JOURNAL_PARTITION_DAYS_AHEAD (0 to 60); unset: the function's default (3). */
  readonly partitionDaysAhead?: number;
  /** JOURNAL_CAPTURE_QUIET_MINUTES (1 to 10,080); unset: the function's default (30). */
  readonly captureQuietMinutes?: number;
}

export interface JournalMaintenanceSettings {
  readonly schedule: ScheduleExpression;
  readonly timeout: Duration;
  readonly retryAttempts: number;
  readonly retentionDays: number | undefined;
  readonly partitionDaysAhead: number | undefined;
  readonly captureQuietMinutes: number | undefined;
}

export function resolveMaintenanceSettings(
  options: JournalMaintenanceOptions = {},
  problems: PropsProblems,
): JournalMaintenanceSettings {
  const settings: JournalMaintenanceSettings = {
    schedule: options.schedule ?? ScheduleExpression.rate(Duration.minutes(15)),
    timeout: options.timeout ?? Duration.minutes(5),
    retryAttempts: options.retryAttempts ?? 2,
    retentionDays: options.retentionDays,
    partitionDaysAhead: options.partitionDaysAhead,
    captureQuietMinutes: options.captureQuietMinutes,
  };
  problems.seconds('maintenance.timeout', settings.timeout, 120, 900);
  problems.integer('maintenance.retryAttempts', settings.retryAttempts, 0, 2);
  if (settings.retentionDays !== undefined) {
    problems.integer('maintenance.retentionDays', settings.retentionDays, 1, 3650);
  }
  if (settings.partitionDaysAhead !== undefined) {
    problems.integer('maintenance.partitionDaysAhead', settings.partitionDaysAhead, 0, 60);
  }
  if (settings.captureQuietMinutes !== undefined) {
    problems.integer('maintenance.captureQuietMinutes', settings.captureQuietMinutes, 1, 7 * 24 * 60);
  }
  return settings;
}

export interface JournalMaintenanceProps {
  readonly settings: JournalMaintenanceSettings;
  readonly database: JournalDatabase;
  readonly defaults: JournalFunctionDefaults;
  /** The stage's policy for the dead-letter queue (the failed runs it holds). */
  readonly queueRemovalPolicy: RemovalPolicy;
}

/**
 * Partition upkeep, capture archival and retention: EventBridge Scheduler invokes
 * functions/maintenance.ts on a schedule. Scheduler retries a delivery that fails; Lambda retries a
 * run that throws; what still fails lands in the dead-letter queue (alarmed).
 */
export class JournalMaintenance extends Construct {
  readonly function: JournalFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: JournalMaintenanceProps) {
    super(scope, id);
    const { settings } = props;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.queueRemovalPolicy,
    });
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the maintenance schedule and function.',
      },
    ]);

    this.function = new JournalFunction(this, 'Function', {
      entry: 'maintenance',
      description: 'Journal upkeep: partitions ahead, capture archival, retention',
      defaults: props.defaults,
      timeout: settings.timeout,
      memorySize: 512,
      environment: {
        ...props.database.dataApiEnvironment(),
        ...optional('JOURNAL_RETENTION_DAYS', settings.retentionDays),
        ...optional('JOURNAL_PARTITION_DAYS_AHEAD', settings.partitionDaysAhead),
        ...optional('JOURNAL_CAPTURE_QUIET_MINUTES', settings.captureQuietMinutes),
      },
    });
    props.database.grantDataApi(this.function);
    // Scheduler invokes asynchronously: a run that throws is Lambda's to retry, then to dead-letter.
    this.function.configureAsyncInvoke({
      retryAttempts: settings.retryAttempts,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    const schedulerRole = new Role(this, 'SchedulerRole', {
      // Only this account's schedules may assume it (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'hive-journal maintenance',
      schedule: settings.schedule,
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.function, {
        role: schedulerRole,
        retryAttempts: settings.retryAttempts,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    // After the schedule: its target wrote the role's policy, which the suppression must reach.
    NagSuppressions.addResourceSuppressions(
      schedulerRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'lambda:InvokeFunction on the maintenance function and its versions (<arn>:*), as Function.grantInvoke writes it; no other function.',
          appliesTo: [{ regex: '/^Resource::<.*MaintenanceFunction[0-9A-F]+\\.Arn>:\\*$/' }],
        },
      ],
      true,
    );
  }
}

function optional(name: string, value: number | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: String(value) };
}
