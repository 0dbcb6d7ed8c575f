import { createLambdaContext } from './event-source/lambda-context.ts';
import type { InvocableFunction } from './lambda/invoke-server.ts';

export interface MaintenanceTimer {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** The local stand-in for the EventBridge schedule: invokes maintenance now and then every interval. */
export function startMaintenanceTimer(
  maintenance: InvocableFunction,
  options: { intervalMs: number; log: (line: string) => void },
): MaintenanceTimer {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const invoke = () => {
    if (stopped) return;
    running = running.then(async () => {
      const context = createLambdaContext({
        functionName: 'hive-journal-maintenance',
        region: 'us-east-1',
        accountId: '000000000000',
        timeoutMs: maintenance.timeoutSeconds * 1000,
        memoryLimitInMB: 1024,
      });
      try {
        await maintenance.handler({ source: 'local.scheduler' }, context);
      } catch (error) {
        options.log(`maintenance failed: ${String(error)}`);
      }
    });
  };
  invoke();
  const interval = setInterval(invoke, options.intervalMs);
  interval.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(interval);
      await running;
    },
  };
}
