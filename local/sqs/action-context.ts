import type { MessageMoveTasks } from './message-move-tasks.ts';
import type { QueueStore } from './queue-store.ts';
import type { RequestInput } from './request-input.ts';

/** What every action handler works with. */
export interface ActionContext {
  readonly store: QueueStore;
  readonly moveTasks: MessageMoveTasks;
  readonly clock: () => number;
  /** Aborted when the client hangs up before the response is written. */
  readonly signal: AbortSignal;
  /** SenderId stamped on sent messages. */
  readonly senderId: string;
}

/** One SQS action: its JSON input in, its JSON output back. */
export type ActionHandler = (input: RequestInput, context: ActionContext) => object | Promise<object>;
