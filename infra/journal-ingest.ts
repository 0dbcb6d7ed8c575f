import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { JournalDatabase } from './journal-database.ts';
import { JournalFunction, type JournalFunctionDefaults } from './journal-function.ts';
import type { PropsProblems } from './props-problems.ts';

export interface JournalIngestOptions {
  /** Messages per invocation, 1 to 10,000. Default: 1,000. */
  readonly batchSize?: number;
  /** How long the event source gathers a batch, 0 to 300 s (at least 1 s above 10 messages). Default: 1 s. */
  readonly maxBatchingWindow?: Duration;
  /** Concurrent ingest invocations at most, 2 to 1,000: what Aurora sees at a burst. Default: 5. */
  readonly maxConcurrency?: number;
  /** Default: 30 s. */
  readonly timeout?: Duration;
  /** At least 6 × timeout (AWS's advice for SQS event sources). Default: 6 × timeout. */
  readonly visibilityTimeout?: Duration;
  /** Receives before a message moves to the dead-letter queue, 1 to 1,000. Default: 5. */
  readonly maxReceiveCount?: number;
  /** How long an unconsumed message stays in the queue, 1 min to 14 days. Default: 4 days. */
  readonly retentionPeriod?: Duration;
  /** Default: 1,024 MB. */
  readonly memorySize?: number;
  /** Per-event payload limits in bytes (JOURNAL_PAYLOAD_LIMIT_*); unset: the documented 16/32/8 KiB. */
  readonly payloadLimits?: {
    readonly dataBytes?: number;
    readonly rawBytes?: number;
    readonly extraBytes?: number;
  };
}

export interface JournalIngestSettings {
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  readonly maxConcurrency: number;
  readonly timeout: Duration;
  readonly visibilityTimeout: Duration;
  readonly maxReceiveCount: number;
  readonly retentionPeriod: Duration;
  readonly memorySize: number;
  readonly payloadLimits: NonNullable<JournalIngestOptions['payloadLimits']>;
}

/** AWS advises a queue visibility timeout of six times the function timeout (retries of throttled batches). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export function resolveIngestSettings(
  options: JournalIngestOptions = {},
  problems: PropsProblems,
): JournalIngestSettings {
  const timeout = options.timeout ?? Duration.seconds(30);
  const settings: JournalIngestSettings = {
    batchSize: options.batchSize ?? 1000,
    maxBatchingWindow: options.maxBatchingWindow ?? Duration.seconds(1),
    maxConcurrency: options.maxConcurrency ?? 5,
    timeout,
    visibilityTimeout:
      options.visibilityTimeout ?? Duration.seconds(timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
    maxReceiveCount: options.maxReceiveCount ?? 5,
    retentionPeriod: options.retentionPeriod ?? Duration.days(4),
    memorySize: options.memorySize ?? 1024,
    payloadLimits: options.payloadLimits ?? {},
  };
  problems.integer('ingest.batchSize', settings.batchSize, 1, 10_000);
  problems.seconds('ingest.maxBatchingWindow', settings.maxBatchingWindow, 0, 300);
  if (settings.batchSize > 10 && settings.maxBatchingWindow.toMilliseconds() < 1000) {
    problems.add('ingest.maxBatchingWindow', 'must be at least 1 s when batchSize is above 10 (an SQS rule)');
  }
  problems.integer('ingest.maxConcurrency', settings.maxConcurrency, 2, 1000);
  problems.seconds('ingest.timeout', settings.timeout, 1, 900);
  problems.seconds('ingest.visibilityTimeout', settings.visibilityTimeout, 0, 43_200);
  if (settings.visibilityTimeout.toSeconds() < settings.timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR) {
    problems.add(
      'ingest.visibilityTimeout',
      `must be at least ${VISIBILITY_TIMEOUT_FACTOR} × ingest.timeout (${settings.timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR} s)`,
    );
  }
  problems.integer('ingest.maxReceiveCount', settings.maxReceiveCount, 1, 1000);
  problems.seconds('ingest.retentionPeriod', settings.retentionPeriod, 60, 14 * 86_400);
  problems.integer('ingest.memorySize', settings.memorySize, 128, 10_240);
  for (const [name, value] of Object.entries(settings.payloadLimits)) {
    if (value !== undefined) problems.integer(`ingest.payloadLimits.${name}`, value, 1, 256 * 1024);
  }
  return settings;
}

export interface JournalIngestProps {
  readonly settings: JournalIngestSettings;
  readonly database: JournalDatabase;
  readonly defaults: JournalFunctionDefaults;
  /** The stage's policy for the queue and its dead-letter queue (their undelivered messages). */
  readonly queueRemovalPolicy: RemovalPolicy;
}

/**
 * The ingest path: producers publish to an encrypted SQS queue; the ingest function takes batches
 * through an event source with partial batch responses, at a capped concurrency so a burst queues up
 * instead of stampeding Aurora; a message that keeps failing moves to the dead-letter queue.
 */
export class JournalIngest extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: JournalFunction;

  constructor(scope: Construct, id: string, props: JournalIngestProps) {
    super(scope, id);
    const { settings } = props;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // SQS's maximum: dead letters wait for an operator to look and redrive.
      retentionPeriod: Duration.days(14),
      removalPolicy: props.queueRemovalPolicy,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: settings.visibilityTimeout,
      retentionPeriod: settings.retentionPeriod,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
      removalPolicy: props.queueRemovalPolicy,
    });

    const limits = settings.payloadLimits;
    this.function = new JournalFunction(this, 'Function', {
      entry: 'ingest',
      description: 'Stores journal events from the ingest queue through the Data API',
      defaults: props.defaults,
      timeout: settings.timeout,
      memorySize: settings.memorySize,
      environment: {
        ...props.database.dataApiEnvironment(),
        ...(limits.dataBytes ? { JOURNAL_PAYLOAD_LIMIT_DATA_BYTES: String(limits.dataBytes) } : {}),
        ...(limits.rawBytes ? { JOURNAL_PAYLOAD_LIMIT_RAW_BYTES: String(limits.rawBytes) } : {}),
        ...(limits.extraBytes ? { JOURNAL_PAYLOAD_LIMIT_EXTRA_BYTES: String(limits.extraBytes) } : {}),
      },
    });
    props.database.grantDataApi(this.function);
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: settings.batchSize,
        maxBatchingWindow: settings.maxBatchingWindow,
        maxConcurrency: settings.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }

  /** Lets a producer publish journal messages to the ingest queue. */
  grantPublish(principal: IGrantable): void {
    this.queue.grantSendMessages(principal);
  }
}
