import { formatRedrivePolicy, parseRedrivePolicy, type RedrivePolicy } from './redrive-policy.ts';
import { sqsErrors } from './sqs-error.ts';

/** The configurable attributes of a standard queue. */
export interface QueueSettings {
  readonly delaySeconds: number;
  readonly maximumMessageSize: number;
  readonly messageRetentionPeriod: number;
  readonly receiveMessageWaitTimeSeconds: number;
  readonly visibilityTimeout: number;
  readonly redrivePolicy: RedrivePolicy | undefined;
  /** Attributes kept and reported as given, without effect here (Policy, RedriveAllowPolicy, SSE...). */
  readonly stored: Readonly<Record<string, string>>;
}

/** What GetQueueAttributes reports besides the settings. */
export interface QueueFacts {
  readonly arn: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

interface IntegerAttribute {
  readonly key: keyof Pick<
    QueueSettings,
    | 'delaySeconds'
    | 'maximumMessageSize'
    | 'messageRetentionPeriod'
    | 'receiveMessageWaitTimeSeconds'
    | 'visibilityTimeout'
  >;
  readonly min: number;
  readonly max: number;
}

// Ranges and defaults from the CreateQueue API reference (Attributes).
const INTEGER_ATTRIBUTES: Readonly<Record<string, IntegerAttribute>> = {
  DelaySeconds: { key: 'delaySeconds', min: 0, max: 900 },
  MaximumMessageSize: { key: 'maximumMessageSize', min: 1024, max: 1_048_576 },
  MessageRetentionPeriod: { key: 'messageRetentionPeriod', min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { key: 'receiveMessageWaitTimeSeconds', min: 0, max: 20 },
  VisibilityTimeout: { key: 'visibilityTimeout', min: 0, max: 43_200 },
};

const STORED_ATTRIBUTES = new Set([
  'Policy',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
]);

const READ_ONLY_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];

const FIFO_ONLY_ATTRIBUTES = [
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
];

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  delaySeconds: 0,
  maximumMessageSize: 1_048_576,
  messageRetentionPeriod: 345_600,
  receiveMessageWaitTimeSeconds: 0,
  visibilityTimeout: 30,
  redrivePolicy: undefined,
  stored: { SqsManagedSseEnabled: 'true' },
};

/** Applies CreateQueue/SetQueueAttributes attributes to settings, rejecting what SQS would reject. */
export function applyQueueAttributes(
  settings: QueueSettings,
  attributes: Readonly<Record<string, string>>,
  queueExists: (arn: string) => boolean,
): QueueSettings {
  let next: QueueSettings = settings;
  for (const [name, value] of Object.entries(attributes)) {
    const integer = INTEGER_ATTRIBUTES[name];
    if (integer) {
      next = { ...next, [integer.key]: readInteger(name, value, integer) };
    } else if (name === 'RedrivePolicy') {
      next = { ...next, redrivePolicy: parseRedrivePolicy(value, queueExists) };
    } else if (STORED_ATTRIBUTES.has(name)) {
      next = { ...next, stored: { ...next.stored, [name]: value } };
    } else if (name === 'FifoQueue' && value === 'false') {
      // A standard queue may say so explicitly.
    } else if (FIFO_ONLY_ATTRIBUTES.includes(name)) {
      throw sqsErrors.invalidAttributeValue(name, 'FIFO queues are not supported by this local endpoint.');
    } else {
      throw sqsErrors.invalidAttributeName(name);
    }
  }
  return next;
}

/** Whether the given attributes all equal the queue's (CreateQueue of an existing name). */
export function settingsMatch(
  settings: QueueSettings,
  attributes: Readonly<Record<string, string>>,
  queueExists: (arn: string) => boolean,
): boolean {
  const applied = applyQueueAttributes(settings, attributes, queueExists);
  return JSON.stringify(applied) === JSON.stringify(settings);
}

/** GetQueueAttributes: the requested names ("All" for every one) with their current values. */
export function describeQueueAttributes(
  settings: QueueSettings,
  facts: QueueFacts,
  requested: readonly string[],
): Record<string, string> {
  const all = allAttributes(settings, facts);
  const names = requested.includes('All') ? Object.keys(all) : requested;
  const described: Record<string, string> = {};
  for (const name of names) {
    if (!isKnownAttribute(name)) throw sqsErrors.invalidAttributeName(name);
    const value = all[name];
    if (value !== undefined) described[name] = value;
  }
  return described;
}

function allAttributes(settings: QueueSettings, facts: QueueFacts): Record<string, string> {
  const attributes: Record<string, string> = {
    QueueArn: facts.arn,
    ApproximateNumberOfMessages: String(facts.visible),
    ApproximateNumberOfMessagesNotVisible: String(facts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(facts.delayed),
    CreatedTimestamp: String(Math.floor(facts.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(facts.modifiedAt / 1000)),
    VisibilityTimeout: String(settings.visibilityTimeout),
    MaximumMessageSize: String(settings.maximumMessageSize),
    MessageRetentionPeriod: String(settings.messageRetentionPeriod),
    DelaySeconds: String(settings.delaySeconds),
    ReceiveMessageWaitTimeSeconds: String(settings.receiveMessageWaitTimeSeconds),
    ...settings.stored,
  };
  if (settings.redrivePolicy) attributes.RedrivePolicy = formatRedrivePolicy(settings.redrivePolicy);
  return attributes;
}

function isKnownAttribute(name: string): boolean {
  return (
    name in INTEGER_ATTRIBUTES ||
    name === 'RedrivePolicy' ||
    STORED_ATTRIBUTES.has(name) ||
    READ_ONLY_ATTRIBUTES.includes(name) ||
    FIFO_ONLY_ATTRIBUTES.includes(name)
  );
}

function readInteger(name: string, value: string, bounds: IntegerAttribute): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < bounds.min || parsed > bounds.max) {
    throw sqsErrors.invalidAttributeValue(name);
  }
  return parsed;
}
