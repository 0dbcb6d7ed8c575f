import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { SqsEventSource } from '../event-source/sqs-event-source.ts';
import type { DrainWait } from '../event-source/wait-until-drained.ts';
import type { InvokeFunction } from '../lambda-runtime/invoke-outcome.ts';
import type { SqsEventSourceMappingSpec } from '../template/template-event-sources.ts';

/** The running event source mappings of the template. */
export interface TemplateEventSources {
  /** The record counts of each invocation a mapping made, oldest first (by mapping logical id). */
  batchSizes(mappingLogicalId: string): readonly number[];
  /** Resolves once every mapped queue holds nothing visible, in flight or delayed. */
  waitUntilDrained(wait?: DrainWait): Promise<void>;
  stop(): Promise<void>;
}

/** The function's timeout, as the template sets it, by function name or ARN. */
export type FunctionTimeoutOf = (functionNameOrArn: string) => number;

/**
 * Starts Lambda's SQS poller for each mapping of the template, invoking the mapped function through
 * the local runtime (which ends an invocation at the function's timeout and reports it as failed).
 */
export async function startTemplateEventSources(options: {
  sqs: SQSClient;
  invoke: InvokeFunction;
  timeoutOf: FunctionTimeoutOf;
  mappings: readonly SqsEventSourceMappingSpec[];
  log: (line: string) => void;
}): Promise<TemplateEventSources> {
  const batches = new Map<string, number[]>();
  const sources: SqsEventSource[] = [];
  for (const mapping of options.mappings) {
    if (!mapping.enabled) continue;
    const sizes: number[] = [];
    batches.set(mapping.logicalId, sizes);
    const source = new SqsEventSource({
      sqs: options.sqs,
      queueUrl: mapping.queue.url,
      batchSize: mapping.batchSize,
      maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
      concurrency: mapping.concurrency,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      functionName: mapping.functionName,
      // The runtime ends the invocation at the function's timeout; this guard only backs it up.
      functionTimeoutSeconds: Math.min(900, options.timeoutOf(mapping.functionName) + 5),
      handler: async (event: SQSEvent) => {
        sizes.push(event.Records.length);
        const outcome = await options.invoke(mapping.functionName, event);
        if (outcome.kind === 'failed') {
          throw Object.assign(new Error(outcome.error.errorMessage), { name: outcome.error.errorType });
        }
        return outcome.payload as never;
      },
      onError: (failure) =>
        options.log(`${mapping.logicalId}: ${failure.stage} failed: ${String(failure.error)}`),
    });
    await source.start();
    sources.push(source);
  }
  return {
    batchSizes: (logicalId) => batches.get(logicalId) ?? [],
    waitUntilDrained: async (wait) => {
      await Promise.all(sources.map((source) => source.waitUntilDrained(wait)));
    },
    stop: async () => {
      await Promise.all(sources.map((source) => source.stop()));
    },
  };
}
