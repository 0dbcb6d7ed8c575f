import { type CfnTemplate, type Resolve, TemplateError } from './cfn-template.ts';
import type { TemplateQueue } from './template-queues.ts';

/** An AWS::Lambda::EventSourceMapping of an SQS queue, resolved. */
export interface SqsEventSourceMappingSpec {
  readonly logicalId: string;
  readonly queue: TemplateQueue;
  /** The function's name or ARN, as the mapping names it. */
  readonly functionName: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  /** Pollers invoking at once. */
  readonly concurrency: number;
  readonly reportBatchItemFailures: boolean;
  readonly enabled: boolean;
}

/**
 * The defaults of CreateEventSourceMapping for SQS: "Default: 10" for BatchSize and 0 for the
 * batching window (Lambda API reference). Without ScalingConfig, Lambda's SQS poller "begins with
 * five concurrent batches" and scales up (services-sqs-scaling); locally it stays at those five.
 */
const SQS_DEFAULTS = { batchSize: 10, maximumBatchingWindowInSeconds: 0, unscaledConcurrency: 5 };

/** Reads every event source mapping of the template; one of a source other than SQS stops the start. */
export function sqsEventSourceMappings(
  template: CfnTemplate,
  resolve: Resolve,
  queues: ReadonlyMap<string, TemplateQueue>,
  isActive: (logicalId: string) => boolean,
): SqsEventSourceMappingSpec[] {
  const queuesByArn = new Map([...queues.values()].map((queue) => [queue.arn, queue]));
  const specs: SqsEventSourceMappingSpec[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping' || !isActive(logicalId)) continue;
    const p = resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
    const queue = queuesByArn.get(String(p.EventSourceArn));
    if (!queue) {
      throw new TemplateError(
        `${logicalId}.EventSourceArn: ${String(p.EventSourceArn)} is not a queue of this template (only SQS event sources are emulated)`,
      );
    }
    const scaling = (p.ScalingConfig ?? {}) as { MaximumConcurrency?: number };
    specs.push({
      logicalId,
      queue,
      functionName: String(p.FunctionName),
      batchSize: Number(p.BatchSize ?? SQS_DEFAULTS.batchSize),
      maximumBatchingWindowInSeconds: Number(
        p.MaximumBatchingWindowInSeconds ?? SQS_DEFAULTS.maximumBatchingWindowInSeconds,
      ),
      concurrency: Number(scaling.MaximumConcurrency ?? SQS_DEFAULTS.unscaledConcurrency),
      reportBatchItemFailures: ((p.FunctionResponseTypes ?? []) as string[]).includes(
        'ReportBatchItemFailures',
      ),
      enabled: p.Enabled === undefined ? true : Boolean(p.Enabled),
    });
  }
  return specs;
}
