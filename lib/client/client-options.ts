import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { describeIssues } from '../journal/describe-issues.ts';
import { JOURNAL_SCOPES } from '../journal/event-schema.ts';
import { parseJournalEvent } from '../journal/parse-event.ts';
import { MAX_EVENTS_PER_MESSAGE } from '../journal/parse-message.ts';
import { backpressureStartEvent, HIVE_JOURNAL_WRITER } from './backpressure-events.ts';
import type { ClientLogger } from './client-logger.ts';
import { SQS_MAX_MESSAGE_BYTES } from './sqs-limits.ts';

/** An event publish() refused, as the onInvalid hook receives it. */
export interface InvalidEvent {
  readonly reason: string;
  readonly event: unknown;
}

const isFunction = (value: unknown) => typeof value === 'function';
const fn = <Fn>(what: string) => z.custom<Fn>(isFunction, `must be a function (${what})`);
const whole = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

const JournalWriterSchema = z.strictObject({
  journalScope: z.enum(JOURNAL_SCOPES),
  swarmId: z.string().min(1),
  runId: z.string().min(1),
  role: z.string().min(1),
  instance: z.string().min(1),
  origin: z.string().min(1),
});

/** The options of createJournalClient, with their defaults. */
export const JournalClientOptionsSchema = z
  .strictObject({
    /** URL of the journal queue. */
    queueUrl: z.url(),
    /** An SQSClient to use (the caller owns it), or the config of one for the client to build and own. */
    sqs: z.union([
      z.instanceof(SQSClient),
      z.custom<SQSClientConfig>(
        (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
        'must be an SQSClient or an SQSClientConfig object',
      ),
    ]),
    /** Published events held while SQS is slow or away; beyond it the overload policy drops. */
    bufferCapacity: whole(1).default(50_000),
    /** How often buffered events are sent when they do not fill a batch sooner. */
    flushIntervalMs: whole(1).default(200),
    /** Messages are filled up to this size (body and attributes): one 64 KiB billing chunk. */
    messageBudgetBytes: whole(1024, SQS_MAX_MESSAGE_BYTES).default(65_536),
    /** Largest message sent (an event too big for the budget travels alone); at most the queue's MaximumMessageSize. */
    maxMessageBytes: whole(1024, SQS_MAX_MESSAGE_BYTES).default(262_144),
    maxEventsPerMessage: whole(1, MAX_EVENTS_PER_MESSAGE).default(MAX_EVENTS_PER_MESSAGE),
    /** First retry waits about this long; each further one doubles it, up to retryMaxDelayMs. */
    retryBaseDelayMs: whole(1).default(100),
    retryMaxDelayMs: whole(1).default(5_000),
    /** A SendMessageBatch request taking longer is abandoned and retried. */
    requestTimeoutMs: whole(1).default(10_000),
    /** A backpressure episode ends after this long without a drop. */
    backpressureQuietMs: whole(0).default(5_000),
    /** Send failures are logged at most once per interval. */
    healthWarningIntervalMs: whole(0).default(30_000),
    /** close() gives up on events still unsent after this long. */
    closeTimeoutMs: whole(0).default(10_000),
    /** Journal and subject of the client's own backpressure events; PocketHive's hive journal writer by default. */
    writer: JournalWriterSchema.default(HIVE_JOURNAL_WRITER),
    /** The caller's current trace id (W3C trace id or X-Ray trace id), for events published without one. */
    traceContext: fn<() => string | null | undefined>('traceContext').optional(),
    /** Told about each event publish() refused; by default they are logged, at most once per interval. */
    onInvalid: fn<(invalid: InvalidEvent) => void>('onInvalid').optional(),
    logger: z
      .custom<ClientLogger>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          isFunction((value as ClientLogger).warn) &&
          isFunction((value as ClientLogger).info),
        'must have info and warn methods',
      )
      .default(console),
    /** Epoch milliseconds, for event timestamps and backpressure timing. */
    clock: fn<() => number>('clock').default(() => Date.now),
  })
  .superRefine((options, ctx) => {
    if (options.messageBudgetBytes > options.maxMessageBytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['messageBudgetBytes'],
        message: `must not exceed maxMessageBytes (${options.maxMessageBytes})`,
      });
    }
    if (options.retryMaxDelayMs < options.retryBaseDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['retryMaxDelayMs'],
        message: 'must not be below retryBaseDelayMs',
      });
    }
    const marker = backpressureStartEvent(options.writer, {
      eventUid: '00000000-0000-4000-8000-000000000000',
      timestamp: '2026-01-01T00:00:00Z',
    });
    const parsed = parseJournalEvent(marker, { messageId: 'options', index: 0 });
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', path: ['writer'], message: `makes invalid events: ${parsed.reason}` });
    }
  });

export type JournalClientOptions = z.input<typeof JournalClientOptionsSchema>;
export type ResolvedClientOptions = z.output<typeof JournalClientOptionsSchema>;

/** The options with defaults applied; a RangeError naming every bad option otherwise. */
export function resolveClientOptions(options: JournalClientOptions): ResolvedClientOptions {
  const parsed = JournalClientOptionsSchema.safeParse(options);
  if (!parsed.success)
    throw new RangeError(`invalid journal client options: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
