import { randomUUID } from 'node:crypto';
import type { QueueStore } from './queue-store.ts';
import { sqsErrors } from './sqs-error.ts';

type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  readonly taskId: string;
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn: string | undefined;
  readonly maxNumberOfMessagesPerSecond: number | undefined;
  readonly startedTimestamp: number;
  readonly pending: string[];
  readonly toMove: number;
  status: MoveTaskStatus;
  moved: number;
  failureReason: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** ListMessageMoveTasks result entry, shaped as SQS returns it. */
export interface MoveTaskResult {
  TaskHandle?: string;
  Status: MoveTaskStatus;
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  FailureReason?: string;
  StartedTimestamp: number;
}

const UNLIMITED_CHUNK = 100;
const UNLIMITED_TICK_MS = 10;

/**
 * Dead-letter queue redrive (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask).
 * A task moves the messages available in the DLQ when it starts, to DestinationArn or, when that is
 * left blank, to each message's original source queue. "The redrive task resets the retention period.
 * All redriven messages are considered new messages with a new messageID and enqueueTime"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html).
 */
export class MessageMoveTasks {
  readonly #store: QueueStore;
  readonly #clock: () => number;
  readonly #tasks: MoveTask[] = [];

  constructor(store: QueueStore, clock: () => number) {
    this.#store = store;
    this.#clock = clock;
  }

  start(init: { sourceArn: string; destinationArn?: string; maxNumberOfMessagesPerSecond?: number }): string {
    const source = this.#store.byArn(init.sourceArn);
    if (!source) {
      throw sqsErrors.resourceNotFound(
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    if (this.#store.deadLetterSourcesOf(init.sourceArn).length === 0) {
      throw sqsErrors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    }
    if (init.destinationArn !== undefined && !this.#store.byArn(init.destinationArn)) {
      throw sqsErrors.resourceNotFound(
        "The resource that you specified for the DestinationArn parameter doesn't exist.",
      );
    }
    if (this.#tasks.some((task) => task.sourceArn === init.sourceArn && task.status === 'RUNNING')) {
      throw sqsErrors.invalidParameterValue(
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    }
    const now = this.#clock();
    const taskId = randomUUID();
    const pending = [...source.available(now)].map((message) => message.messageId);
    const task: MoveTask = {
      taskId,
      taskHandle: Buffer.from(JSON.stringify({ taskId, sourceArn: init.sourceArn })).toString('base64'),
      sourceArn: init.sourceArn,
      destinationArn: init.destinationArn,
      maxNumberOfMessagesPerSecond: init.maxNumberOfMessagesPerSecond,
      startedTimestamp: now,
      pending,
      toMove: pending.length,
      status: 'RUNNING',
      moved: 0,
      failureReason: undefined,
      timer: undefined,
    };
    this.#tasks.unshift(task);
    this.#schedule(task, 0);
    return task.taskHandle;
  }

  /** Most recent tasks of a source queue first, at most maxResults (1 to 10). */
  list(sourceArn: string, maxResults: number): MoveTaskResult[] {
    if (!this.#store.byArn(sourceArn)) {
      throw sqsErrors.resourceNotFound(
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    return this.#tasks
      .filter((task) => task.sourceArn === sourceArn)
      .slice(0, maxResults)
      .map(describe);
  }

  /** Cancels a running task and reports how many messages it had moved. */
  cancel(taskHandle: string): number {
    const reference = parseTaskHandle(taskHandle);
    if (!this.#store.byArn(reference.sourceArn)) {
      throw sqsErrors.resourceNotFound(
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    const task = this.#tasks.find((candidate) => candidate.taskId === reference.taskId);
    if (!task) throw sqsErrors.resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING')
      throw sqsErrors.invalidParameterValue('Only active tasks can be cancelled.');
    this.#finish(task, 'CANCELLED');
    return task.moved;
  }

  close(): void {
    for (const task of this.#tasks) clearTimeout(task.timer);
  }

  #schedule(task: MoveTask, delayMs: number): void {
    task.timer = setTimeout(() => this.#step(task), delayMs);
  }

  #step(task: MoveTask): void {
    if (task.status !== 'RUNNING') return;
    const chunk = task.maxNumberOfMessagesPerSecond ?? UNLIMITED_CHUNK;
    for (let moved = 0; moved < chunk && task.pending.length > 0; ) {
      const messageId = task.pending.shift() as string;
      const outcome = this.#moveOne(task, messageId);
      if (outcome === 'failed') return;
      if (outcome === 'moved') moved += 1;
    }
    if (task.pending.length === 0) this.#finish(task, 'COMPLETED');
    else this.#schedule(task, task.maxNumberOfMessagesPerSecond ? 1000 : UNLIMITED_TICK_MS);
  }

  #moveOne(task: MoveTask, messageId: string): 'moved' | 'skipped' | 'failed' {
    const now = this.#clock();
    const source = this.#store.byArn(task.sourceArn);
    const message = source?.availableMessage(messageId, now);
    if (!source || !message) return 'skipped';
    const destinationArn = task.destinationArn ?? message.deadLetterQueueSourceArn;
    const destination = destinationArn ? this.#store.byArn(destinationArn) : undefined;
    if (!destination) {
      task.failureReason = 'AWS.SimpleQueueService.NonExistentQueue';
      this.#finish(task, 'FAILED');
      return 'failed';
    }
    source.remove(messageId);
    destination.enqueue(
      {
        body: message.body,
        attributes: message.attributes,
        systemAttributes: message.systemAttributes,
        senderId: message.senderId,
        delaySeconds: undefined,
      },
      now,
    );
    task.moved += 1;
    return 'moved';
  }

  #finish(task: MoveTask, status: MoveTaskStatus): void {
    clearTimeout(task.timer);
    task.status = status;
  }
}

function describe(task: MoveTask): MoveTaskResult {
  return {
    ...(task.status === 'RUNNING' ? { TaskHandle: task.taskHandle } : {}),
    Status: task.status,
    SourceArn: task.sourceArn,
    ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
    ...(task.maxNumberOfMessagesPerSecond
      ? { MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond }
      : {}),
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.toMove,
    ...(task.failureReason ? { FailureReason: task.failureReason } : {}),
    StartedTimestamp: task.startedTimestamp,
  };
}

function parseTaskHandle(taskHandle: string): { taskId: string; sourceArn: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(taskHandle, 'base64').toString('utf8'));
    const { taskId, sourceArn } = parsed as Record<string, unknown>;
    if (typeof taskId === 'string' && typeof sourceArn === 'string') return { taskId, sourceArn };
  } catch {
    // falls through to the error SQS gives for a handle it cannot read
  }
  throw sqsErrors.invalidParameterValue('Value for parameter TaskHandle is invalid.');
}
