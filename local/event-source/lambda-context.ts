import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface FunctionIdentity {
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  readonly timeoutMs: number;
  readonly memoryLimitInMB: number;
}

/** A Lambda context for one invocation, whose remaining time counts down from the function timeout. */
export function createLambdaContext(identity: FunctionIdentity, now: () => number = Date.now): Context {
  const startedAt = now();
  const deadline = startedAt + identity.timeoutMs;
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name} is not supported here: return or throw from an async handler`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: identity.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${identity.functionName}`,
    memoryLimitInMB: String(identity.memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${identity.functionName}`,
    logStreamName: `${new Date(startedAt).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
