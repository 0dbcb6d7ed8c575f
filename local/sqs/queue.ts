import { randomUUID } from 'node:crypto';
import { md5OfBody } from './md5.ts';
import type { StoredAttributeValue } from './message-attributes.ts';
import { DEFAULT_QUEUE_SETTINGS, type QueueFacts, type QueueSettings } from './queue-attributes.ts';
import { messageIdOfReceiptHandle, newReceiptHandle } from './receipt-handle.ts';
import { sqsErrors } from './sqs-error.ts';

/** What a producer hands over: everything a message is before SQS stamps it. */
export interface MessageDraft {
  readonly body: string;
  readonly attributes: Readonly<Record<string, StoredAttributeValue>>;
  readonly systemAttributes: Readonly<Record<string, StoredAttributeValue>>;
  readonly senderId: string;
  /** Overrides the queue's DelaySeconds when given. */
  readonly delaySeconds: number | undefined;
}

/** A message held by a queue. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: Readonly<Record<string, StoredAttributeValue>>;
  readonly systemAttributes: Readonly<Record<string, StoredAttributeValue>>;
  readonly senderId: string;
  readonly sentTimestamp: number;
  readonly visibleAt: number;
  readonly receiveCount: number;
  readonly firstReceiveTimestamp: number | undefined;
  readonly receivedAt: number | undefined;
  readonly receiptHandle: string | undefined;
  readonly deadLetterQueueSourceArn: string | undefined;
}

type MutableMessage = { -readonly [K in keyof QueuedMessage]: QueuedMessage[K] };

/** A message attribute as a state file keeps it: binary values as base64. */
export interface AttributeState {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

/** A message as a state file keeps it; receipt handles are not kept (they die with the endpoint). */
export interface MessageState {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, AttributeState>>;
  readonly systemAttributes: Readonly<Record<string, AttributeState>>;
  readonly senderId: string;
  readonly sentTimestamp: number;
  readonly visibleAt: number;
  readonly receiveCount: number;
  readonly firstReceiveTimestamp: number | null;
  readonly deadLetterQueueSourceArn: string | null;
}

/** A queue as a state file keeps it: its settings and every message it holds. */
export interface QueueState {
  readonly name: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly settings: QueueSettings;
  readonly messages: readonly MessageState[];
}

/** The outcome of DeleteMessage with a well-formed handle. */
export type DeleteOutcome = 'deleted' | 'stale-handle' | 'already-gone';

const MAX_VISIBILITY_SECONDS = 43_200;

/** One standard queue: its settings and messages, with visibility computed from timestamps. */
export class Queue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly createdAt: number;
  #settings: QueueSettings;
  #modifiedAt: number;
  #lastPurgeAt: number | undefined;
  #deleted = false;
  readonly #messages = new Map<string, MutableMessage>();
  readonly #listeners = new Set<() => void>();

  constructor(init: { name: string; url: string; arn: string; settings: QueueSettings; now: number }) {
    this.name = init.name;
    this.url = init.url;
    this.arn = init.arn;
    this.createdAt = init.now;
    this.#modifiedAt = init.now;
    this.#settings = init.settings;
  }

  /**
   * A queue restored from a state file. A message that was in flight keeps its receive count and stays
   * hidden until its visibility timeout ends, as SQS redelivers after a consumer crash; the receipt
   * handles issued before are no longer current, so deleting with one succeeds without deleting.
   */
  static fromState(state: QueueState, address: { url: string; arn: string }): Queue {
    // Over the defaults, so the settings have the shape CreateQueue gives them and a CreateQueue with
    // the same attributes after a restart still matches the queue.
    const settings = { ...DEFAULT_QUEUE_SETTINGS, ...state.settings };
    const queue = new Queue({ ...address, name: state.name, settings, now: state.createdAt });
    queue.#modifiedAt = state.modifiedAt;
    for (const message of state.messages) {
      queue.#messages.set(message.messageId, {
        messageId: message.messageId,
        body: message.body,
        md5OfBody: md5OfBody(message.body),
        attributes: attributesFromState(message.attributes),
        systemAttributes: attributesFromState(message.systemAttributes),
        senderId: message.senderId,
        sentTimestamp: message.sentTimestamp,
        visibleAt: message.visibleAt,
        receiveCount: message.receiveCount,
        firstReceiveTimestamp: message.firstReceiveTimestamp ?? undefined,
        receivedAt: undefined,
        receiptHandle: undefined,
        deadLetterQueueSourceArn: message.deadLetterQueueSourceArn ?? undefined,
      });
    }
    return queue;
  }

  /** What a state file keeps of the queue (see fromState). */
  toState(): QueueState {
    return {
      name: this.name,
      createdAt: this.createdAt,
      modifiedAt: this.#modifiedAt,
      settings: this.#settings,
      messages: [...this.#messages.values()].map((message) => ({
        messageId: message.messageId,
        body: message.body,
        attributes: attributesToState(message.attributes),
        systemAttributes: attributesToState(message.systemAttributes),
        senderId: message.senderId,
        sentTimestamp: message.sentTimestamp,
        visibleAt: message.visibleAt,
        receiveCount: message.receiveCount,
        firstReceiveTimestamp: message.firstReceiveTimestamp ?? null,
        deadLetterQueueSourceArn: message.deadLetterQueueSourceArn ?? null,
      })),
    };
  }

  get settings(): QueueSettings {
    return this.#settings;
  }

  get deleted(): boolean {
    return this.#deleted;
  }

  updateSettings(settings: QueueSettings, now: number): void {
    this.#settings = settings;
    this.#modifiedAt = now;
  }

  enqueue(draft: MessageDraft, now: number): QueuedMessage {
    const delaySeconds = draft.delaySeconds ?? this.#settings.delaySeconds;
    const message: MutableMessage = {
      messageId: randomUUID(),
      body: draft.body,
      md5OfBody: md5OfBody(draft.body),
      attributes: draft.attributes,
      systemAttributes: draft.systemAttributes,
      senderId: draft.senderId,
      sentTimestamp: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receivedAt: undefined,
      receiptHandle: undefined,
      deadLetterQueueSourceArn: undefined,
    };
    this.#messages.set(message.messageId, message);
    if (delaySeconds === 0) this.#notify();
    return { ...message };
  }

  /**
   * Takes in a message that exceeded its source queue's maxReceiveCount. It keeps its id, receive
   * count and enqueue timestamp ("When a message is moved to a dead-letter queue, the enqueue timestamp
   * is unchanged", Setting-up dead-letter queue retention) and is available at once.
   */
  adoptDeadLetter(message: QueuedMessage, sourceArn: string, now: number): void {
    this.#messages.set(message.messageId, {
      ...message,
      visibleAt: now,
      receivedAt: undefined,
      receiptHandle: undefined,
      deadLetterQueueSourceArn: sourceArn,
    });
    this.#notify();
  }

  /**
   * Messages that a receive could return now, oldest first, found lazily so that a receive of ten
   * does not walk a long queue. The caller may receive or remove each message as it is yielded.
   */
  *available(now: number): Generator<QueuedMessage> {
    const retentionMs = this.#settings.messageRetentionPeriod * 1000;
    for (const [id, message] of this.#messages) {
      if (now - message.sentTimestamp >= retentionMs) this.#messages.delete(id);
      else if (message.visibleAt <= now) yield message;
    }
  }

  /** The message, if it is in the queue and available now. */
  availableMessage(messageId: string, now: number): QueuedMessage | undefined {
    const message = this.#messages.get(messageId);
    return message && message.visibleAt <= now ? { ...message } : undefined;
  }

  /** Records a receive: a new handle, one more receive, hidden for the visibility timeout. */
  markReceived(messageId: string, visibilityTimeout: number, now: number): QueuedMessage {
    const message = this.#require(messageId);
    message.receiveCount += 1;
    message.firstReceiveTimestamp ??= now;
    message.receivedAt = now;
    message.receiptHandle = newReceiptHandle(messageId);
    message.visibleAt = now + visibilityTimeout * 1000;
    return { ...message };
  }

  remove(messageId: string): void {
    this.#messages.delete(messageId);
  }

  /**
   * Deletes by receipt handle. A handle from an earlier receive of a message that has been received
   * again succeeds without deleting ("if you don't provide the most recently received receipt handle
   * for the message, the request will still succeed, but the message might not be deleted").
   */
  deleteByHandle(handle: string): DeleteOutcome {
    const message = this.#messageForHandle(handle);
    if (!message) return 'already-gone';
    if (message.receiptHandle !== handle) return 'stale-handle';
    this.#messages.delete(message.messageId);
    return 'deleted';
  }

  /**
   * Restarts the visibility timeout of an in-flight message from now. The receive count is untouched:
   * only receives count. Timeouts are capped at 12 hours from the receive (ChangeMessageVisibility).
   */
  changeVisibility(handle: string, visibilityTimeout: number, now: number): void {
    const message = this.#messageForHandle(handle);
    const inFlight =
      message !== undefined &&
      message.receiptHandle === handle &&
      message.receiveCount > 0 &&
      message.visibleAt > now;
    if (!message || !inFlight) {
      throw sqsErrors.invalidParameter(
        'ReceiptHandle',
        handle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    if (now + visibilityTimeout * 1000 > (message.receivedAt ?? now) + MAX_VISIBILITY_SECONDS * 1000) {
      throw sqsErrors.invalidParameter(
        'VisibilityTimeout',
        visibilityTimeout,
        `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds]`,
      );
    }
    message.visibleAt = now + visibilityTimeout * 1000;
    if (visibilityTimeout === 0) this.#notify();
  }

  /** PurgeQueue: every message goes; SQS allows one purge per queue every 60 seconds. */
  purge(now: number): void {
    if (this.#lastPurgeAt !== undefined && now - this.#lastPurgeAt < 60_000) {
      throw sqsErrors.purgeQueueInProgress(this.url);
    }
    this.#lastPurgeAt = now;
    this.#messages.clear();
  }

  markDeleted(): void {
    this.#deleted = true;
    this.#messages.clear();
    this.#notify();
  }

  /** Visible = receivable now; in flight = received and hidden; delayed = never received and hidden. */
  facts(now: number): QueueFacts {
    this.#expire(now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.#messages.values()) {
      if (message.visibleAt <= now) visible += 1;
      else if (message.receiveCount > 0) inFlight += 1;
      else delayed += 1;
    }
    return {
      arn: this.arn,
      createdAt: this.createdAt,
      modifiedAt: this.#modifiedAt,
      visible,
      inFlight,
      delayed,
    };
  }

  /** When the next hidden message becomes visible, if any is hidden. */
  nextVisibleAt(now: number): number | undefined {
    let next: number | undefined;
    for (const message of this.#messages.values()) {
      if (message.visibleAt > now && (next === undefined || message.visibleAt < next))
        next = message.visibleAt;
    }
    return next;
  }

  /** Resolves when a message may have become available, at `until`, or on abort. */
  waitForChange(until: number, now: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - now));
      this.#listeners.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #messageForHandle(handle: string): MutableMessage | undefined {
    const messageId = messageIdOfReceiptHandle(handle);
    if (messageId === undefined) throw sqsErrors.receiptHandleIsInvalid(handle);
    return this.#messages.get(messageId);
  }

  #require(messageId: string): MutableMessage {
    const message = this.#messages.get(messageId);
    if (!message) throw new Error(`message ${messageId} is not in queue ${this.name}`);
    return message;
  }

  /** Messages older than the retention period are gone, measured from their original enqueue time. */
  #expire(now: number): void {
    const retentionMs = this.#settings.messageRetentionPeriod * 1000;
    for (const [id, message] of this.#messages) {
      if (now - message.sentTimestamp >= retentionMs) this.#messages.delete(id);
    }
  }
}

function attributesToState(
  attributes: Readonly<Record<string, StoredAttributeValue>>,
): Record<string, AttributeState> {
  const state: Record<string, AttributeState> = {};
  for (const [name, value] of Object.entries(attributes)) {
    state[name] = value.binaryValue
      ? { dataType: value.dataType, binaryValue: value.binaryValue.toString('base64') }
      : { dataType: value.dataType, stringValue: value.stringValue ?? '' };
  }
  return state;
}

function attributesFromState(
  state: Readonly<Record<string, AttributeState>>,
): Record<string, StoredAttributeValue> {
  const attributes: Record<string, StoredAttributeValue> = {};
  for (const [name, value] of Object.entries(state)) {
    attributes[name] =
      value.binaryValue === undefined
        ? { dataType: value.dataType, stringValue: value.stringValue ?? '' }
        : { dataType: value.dataType, binaryValue: Buffer.from(value.binaryValue, 'base64') };
  }
  return attributes;
}
