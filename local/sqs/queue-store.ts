import { Queue, type QueueState } from './queue.ts';
import { applyQueueAttributes, DEFAULT_QUEUE_SETTINGS, settingsMatch } from './queue-attributes.ts';
import { sqsErrors } from './sqs-error.ts';

/** The account every local queue belongs to. */
export const LOCAL_ACCOUNT_ID = '000000000000';

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Version of the state file format; a file of another version is refused, not guessed at. */
export const QUEUE_STORE_STATE_VERSION = 1;

/** Every queue of the endpoint with its messages, as a state file keeps them. */
export interface QueueStoreState {
  readonly version: typeof QUEUE_STORE_STATE_VERSION;
  readonly region: string;
  readonly queues: readonly QueueState[];
}
const RECREATE_AFTER_DELETE_MS = 60_000;

/** All queues of the endpoint, addressed by name, URL or ARN. */
export class QueueStore {
  readonly region: string;
  readonly #endpoint: string;
  readonly #queues = new Map<string, Queue>();
  readonly #deletedAt = new Map<string, number>();

  constructor(init: { region: string; endpoint: string }) {
    this.region = init.region;
    this.#endpoint = init.endpoint;
  }

  urlOf(name: string): string {
    return `${this.#endpoint}/${LOCAL_ACCOUNT_ID}/${name}`;
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${LOCAL_ACCOUNT_ID}:${name}`;
  }

  /**
   * CreateQueue: an existing name returns that queue when the given attributes match it and fails
   * otherwise; a name deleted less than 60 seconds ago cannot be reused (CreateQueue API reference).
   */
  create(name: string, attributes: Readonly<Record<string, string>>, now: number): Queue {
    if (name.endsWith('.fifo')) {
      throw sqsErrors.unsupportedOperation('FIFO queues are not supported by this local endpoint.');
    }
    if (!QUEUE_NAME.test(name)) {
      throw sqsErrors.invalidParameterValue(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    const existing = this.#queues.get(name);
    if (existing) {
      if (!settingsMatch(existing.settings, attributes, this.#exists)) throw sqsErrors.queueNameExists(name);
      return existing;
    }
    const deletedAt = this.#deletedAt.get(name);
    if (deletedAt !== undefined && now - deletedAt < RECREATE_AFTER_DELETE_MS)
      throw sqsErrors.queueDeletedRecently();
    const settings = applyQueueAttributes(DEFAULT_QUEUE_SETTINGS, attributes, this.#exists);
    const queue = new Queue({ name, url: this.urlOf(name), arn: this.arnOf(name), settings, now });
    this.#queues.set(name, queue);
    return queue;
  }

  setAttributes(queue: Queue, attributes: Readonly<Record<string, string>>, now: number): void {
    const settings = applyQueueAttributes(queue.settings, attributes, this.#exists);
    if (settings.redrivePolicy?.deadLetterTargetArn === queue.arn) {
      throw sqsErrors.invalidParameter(
        'RedrivePolicy',
        attributes.RedrivePolicy,
        'Dead-letter target cannot be the source queue.',
      );
    }
    queue.updateSettings(settings, now);
  }

  /** The queue a QueueUrl names: `<endpoint>/<account>/<name>`; any host is accepted. */
  byUrl(queueUrl: string): Queue {
    let path: string;
    try {
      path = new URL(queueUrl).pathname;
    } catch {
      throw sqsErrors.invalidAddress(queueUrl);
    }
    const match = /^\/(\d{12})\/([^/]+)\/?$/.exec(path);
    if (!match) throw sqsErrors.invalidAddress(queueUrl);
    const queue = match[1] === LOCAL_ACCOUNT_ID ? this.#queues.get(match[2] as string) : undefined;
    if (!queue) throw sqsErrors.queueDoesNotExist();
    return queue;
  }

  byName(name: string): Queue | undefined {
    return this.#queues.get(name);
  }

  byArn(arn: string): Queue | undefined {
    const prefix = `arn:aws:sqs:${this.region}:${LOCAL_ACCOUNT_ID}:`;
    return arn.startsWith(prefix) ? this.#queues.get(arn.slice(prefix.length)) : undefined;
  }

  delete(queue: Queue, now: number): void {
    this.#queues.delete(queue.name);
    this.#deletedAt.set(queue.name, now);
    queue.markDeleted();
  }

  list(prefix = ''): Queue[] {
    return [...this.#queues.values()]
      .filter((queue) => queue.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Queues whose RedrivePolicy targets the given ARN. */
  deadLetterSourcesOf(arn: string): Queue[] {
    return this.list().filter((queue) => queue.settings.redrivePolicy?.deadLetterTargetArn === arn);
  }

  /** What a state file keeps: every queue and message (see Queue.toState). */
  toState(): QueueStoreState {
    return {
      version: QUEUE_STORE_STATE_VERSION,
      region: this.region,
      queues: this.list().map((queue) => queue.toState()),
    };
  }

  /** Restores the queues of a state file into this (empty) store, at this endpoint's URLs. */
  restore(state: QueueStoreState): void {
    if (state.version !== QUEUE_STORE_STATE_VERSION) {
      throw new Error(`state version ${state.version} is not ${QUEUE_STORE_STATE_VERSION}`);
    }
    // Queue ARNs, and the dead-letter targets that name them, contain the region.
    if (state.region !== this.region) {
      throw new Error(`state is of region ${state.region}, this endpoint serves ${this.region}`);
    }
    if (this.#queues.size > 0) throw new Error('restore needs an empty store');
    for (const queueState of state.queues) {
      const address = { url: this.urlOf(queueState.name), arn: this.arnOf(queueState.name) };
      this.#queues.set(queueState.name, Queue.fromState(queueState, address));
    }
  }

  closeAll(): void {
    for (const queue of this.#queues.values()) queue.markDeleted();
    this.#queues.clear();
  }

  readonly #exists = (arn: string): boolean => this.byArn(arn) !== undefined;
}
