/** What one attempt to invoke a target knows about itself. */
export interface InvocationContext {
  readonly scheduleArn: string;
  readonly scheduledTime: Date;
  readonly executionId: string;
  readonly attemptNumber: number;
  /** The id of the default notification, the same for every attempt of one invocation. */
  readonly eventId: string;
}

/** A time as Scheduler writes it: 2022-03-22T18:59:43Z (whole seconds, UTC). */
export const schedulerTime = (time: Date): string => time.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The payload Scheduler passes to the target for one attempt.
 * With an Input, the Input itself, its context attributes replaced: "EventBridge Scheduler replaces
 * each keyword with its respective value when your schedule invokes the target" (<aws.scheduler.
 * schedule-arn>, <aws.scheduler.scheduled-time>, <aws.scheduler.execution-id>,
 * <aws.scheduler.attempt-number>) —
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 * Without one: "If you do not specify anything for this field, EventBridge Scheduler delivers a
 * default notification to the target." (API_Target.html). Its shape as AWS delivered it to a target:
 * {"version":"0","id":"0568ff07-…","detail-type":"Scheduled Event","source":"aws.scheduler",
 * "account":"542726313726","time":"2025-10-27T05:48:46Z","region":"ap-southeast-2",
 * "resources":["arn:aws:scheduler:ap-southeast-2:542726313726:schedule/default/3_min_schedule"],
 * "detail":"{}"} — detail is the string "{}", which Lambda targets see too
 * (https://github.com/cloud-custodian/cloud-custodian/pull/9566).
 */
export function targetPayload(input: string | undefined, context: InvocationContext): string {
  if (input !== undefined) {
    return input
      .replaceAll('<aws.scheduler.schedule-arn>', context.scheduleArn)
      .replaceAll('<aws.scheduler.scheduled-time>', schedulerTime(context.scheduledTime))
      .replaceAll('<aws.scheduler.execution-id>', context.executionId)
      .replaceAll('<aws.scheduler.attempt-number>', String(context.attemptNumber));
  }
  const [, , , region = '', account = ''] = context.scheduleArn.split(':');
  return JSON.stringify({
    version: '0',
    id: context.eventId,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account,
    time: schedulerTime(context.scheduledTime),
    region,
    resources: [context.scheduleArn],
    detail: '{}',
  });
}
