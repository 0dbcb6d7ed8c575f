import { sqsErrors } from './sqs-error.ts';

/** Where a source queue sends messages received too often, and how often is too often. */
export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

const MAX_RECEIVE_COUNT = { min: 1, max: 1000 };

/**
 * Parses the RedrivePolicy queue attribute ("deadLetterTargetArn" and "maxReceiveCount", per the
 * CreateQueue API reference); an empty string removes the policy.
 */
export function parseRedrivePolicy(
  raw: string,
  queueExists: (arn: string) => boolean,
): RedrivePolicy | undefined {
  if (raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid(raw, 'Invalid value for RedrivePolicy: it must be a JSON object.');
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw invalid(raw, 'RedrivePolicy must be a JSON object.');
  const { deadLetterTargetArn, maxReceiveCount } = parsed as Record<string, unknown>;
  if (typeof deadLetterTargetArn !== 'string') throw invalid(raw, 'Missing deadLetterTargetArn.');
  const count = typeof maxReceiveCount === 'string' ? Number(maxReceiveCount) : maxReceiveCount;
  if (
    typeof count !== 'number' ||
    !Number.isInteger(count) ||
    count < MAX_RECEIVE_COUNT.min ||
    count > MAX_RECEIVE_COUNT.max
  ) {
    throw invalid(
      raw,
      `Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  if (!queueExists(deadLetterTargetArn)) throw invalid(raw, 'Dead letter target does not exist.');
  return { deadLetterTargetArn, maxReceiveCount: count };
}

/** The attribute value SQS reports back: compact JSON with maxReceiveCount as a number. */
export function formatRedrivePolicy(policy: RedrivePolicy): string {
  return JSON.stringify({
    deadLetterTargetArn: policy.deadLetterTargetArn,
    maxReceiveCount: policy.maxReceiveCount,
  });
}

function invalid(raw: string, reason: string) {
  return sqsErrors.invalidParameter('RedrivePolicy', raw, reason);
}
