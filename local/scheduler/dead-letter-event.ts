import { schedulerTime } from './scheduler-payload.ts';

/** SQS message attributes in the SendMessage wire form. */
export type DeadLetterAttributes = Readonly<Record<string, { DataType: 'String'; StringValue: string }>>;

/** Why Scheduler stopped retrying. */
export type ExhaustedRetryCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/** What the dead-letter event reports about the invocation that was given up. */
export interface DeadLetterFacts {
  readonly error: unknown;
  readonly executionId: string;
  readonly exhaustedCondition: ExhaustedRetryCondition;
  readonly retryAttempts: number;
  readonly scheduledTime: Date;
  readonly scheduleArn: string;
  readonly targetArn: string;
}

/**
 * The message attributes of a dead-letter event: "When a schedule fails to invoke its target,
 * EventBridge Scheduler delivers a JSON payload containing invocation details ... If you configure a
 * retry policy for your schedule, EventBridge Scheduler delivers the dead-letter event [after]
 * exhausting the maximum number of retries you set." —
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 * The attribute set is that guide's example event (ERROR_CODE, ERROR_MESSAGE, EXECUTION_ID,
 * EXHAUSTED_RETRY_CONDITION, IS_PAYLOAD_TRUNCATED, RETRY_ATTEMPTS, SCHEDULED_TIME, SCHEDULE_ARN,
 * TARGET_ARN, all String), as two independent emulations reproduce it
 * (https://github.com/floci-io/floci/pull/3687, https://github.com/KensioSoftware/yulin/pull/1205);
 * the body is the payload the target was refused. ERROR_CODE and ERROR_MESSAGE are those of the
 * refused invoke (e.g. TooManyRequestsException); AWS's own codes there are not documented.
 */
export function deadLetterAttributes(facts: DeadLetterFacts): DeadLetterAttributes {
  const error = facts.error instanceof Error ? facts.error : new Error(String(facts.error));
  const code = (error as { code?: unknown }).code;
  const values: Record<string, string> = {
    ERROR_CODE: typeof code === 'string' ? code : error.name,
    ERROR_MESSAGE: error.message,
    EXECUTION_ID: facts.executionId,
    EXHAUSTED_RETRY_CONDITION: facts.exhaustedCondition,
    IS_PAYLOAD_TRUNCATED: 'false',
    RETRY_ATTEMPTS: String(facts.retryAttempts),
    SCHEDULED_TIME: schedulerTime(facts.scheduledTime),
    SCHEDULE_ARN: facts.scheduleArn,
    TARGET_ARN: facts.targetArn,
  };
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      { DataType: 'String' as const, StringValue: value },
    ]),
  );
}
