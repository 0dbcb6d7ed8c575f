import type { InjectableFailure } from './sqs-error.ts';

interface PlannedFault {
  readonly failure: InjectableFailure;
  /** Only requests for this action fail; any action when absent. */
  readonly action: string | undefined;
}

/** Failures tests plan for the next requests, answered the way SQS answers them. */
export class FaultInjector {
  #planned: PlannedFault[] = [];

  failNext(count: number, failure: InjectableFailure, action?: string): void {
    for (let i = 0; i < count; i += 1) this.#planned.push({ failure, action });
  }

  /** The failure planned for this request, if any; each plan is used once. */
  take(action: string): InjectableFailure | undefined {
    const index = this.#planned.findIndex((fault) => fault.action === undefined || fault.action === action);
    if (index < 0) return undefined;
    const [fault] = this.#planned.splice(index, 1);
    return fault?.failure;
  }

  clear(): void {
    this.#planned = [];
  }
}
