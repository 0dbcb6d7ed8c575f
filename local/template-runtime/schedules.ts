import { startLocalSchedule } from '../scheduler/start-local-schedule.ts';
import type { ScheduleSpec } from '../template/template-async-targets.ts';
import type { SendToQueue } from './send-to-queue.ts';

/** The running schedules of the template. */
export interface TemplateSchedules {
  /** Fires a schedule now (its target as the schedule would invoke it), by logical id. */
  runNow(logicalId: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts EventBridge Scheduler's part for every schedule of the template: each fires on its
 * expression (or every `everyMs`, the development override) and invokes its Lambda target
 * asynchronously, retrying a refused delivery and dead-lettering what stays refused.
 */
export function startTemplateSchedules(options: {
  schedules: readonly ScheduleSpec[];
  /** The schedule's ARN, as the template resolves it. */
  arnOf: (logicalId: string) => string;
  invokeAsync: (functionArn: string, payload: string) => Promise<void>;
  sendToQueue: SendToQueue;
  everyMs?: number;
  log: (line: string) => void;
}): TemplateSchedules {
  const running = new Map(
    options.schedules.map((spec) => [
      spec.logicalId,
      startLocalSchedule({
        name: spec.name,
        arn: options.arnOf(spec.logicalId),
        expression: spec.expression,
        timezone: spec.timezone,
        state: spec.state,
        flexibleTimeWindow: spec.flexibleTimeWindow,
        ...(spec.startDate ? { startDate: spec.startDate } : {}),
        ...(spec.endDate ? { endDate: spec.endDate } : {}),
        target: spec.target,
        deliver: options.invokeAsync,
        sendToDeadLetter: (queueArn, body, attributes) => options.sendToQueue(queueArn, body, attributes),
        ...(options.everyMs === undefined ? {} : { every: options.everyMs }),
        log: (line) => options.log(`${spec.logicalId}: ${line}`),
      }),
    ]),
  );
  return {
    runNow: (logicalId) => {
      const schedule = running.get(logicalId);
      if (!schedule) throw new Error(`no schedule ${logicalId}`);
      return schedule.runNow();
    },
    stop: async () => {
      await Promise.all([...running.values()].map((schedule) => schedule.stop()));
    },
  };
}
