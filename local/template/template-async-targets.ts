import { type CfnTemplate, type Resolve, TemplateError } from './cfn-template.ts';

/** An AWS::Lambda::EventInvokeConfig, resolved: how a function's asynchronous invokes are retried and where they end. */
export interface AsyncInvokeConfigSpec {
  readonly logicalId: string;
  readonly functionName: string;
  readonly qualifier: string;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly onFailureArn?: string;
  readonly onSuccessArn?: string;
}

/** An AWS::Scheduler::Schedule with a Lambda function target, resolved. */
export interface ScheduleSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly expression: string;
  readonly timezone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly flexibleTimeWindow:
    | { readonly Mode: 'OFF' }
    | { readonly Mode: 'FLEXIBLE'; readonly MaximumWindowInMinutes: number };
  readonly startDate?: Date;
  readonly endDate?: Date;
  readonly target: {
    readonly arn: string;
    readonly input?: string;
    readonly retryPolicy: { readonly maximumRetryAttempts: number; readonly maximumEventAgeSeconds: number };
    readonly deadLetterArn?: string;
  };
}

/** A Custom::Trigger (aws-cdk-lib/triggers): a handler the deploy invokes once. */
export interface TriggerSpec {
  readonly logicalId: string;
  readonly handlerArn: string;
  readonly invocationType: string;
}

/**
 * Lambda's defaults for asynchronous invocation: two retries and an event age of six hours
 * (PutFunctionEventInvokeConfig, Lambda API reference).
 */
const ASYNC_DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 };

/** EventBridge Scheduler's RetryPolicy defaults: 185 retries within 86,400 s (Scheduler API reference). */
const SCHEDULER_RETRY_DEFAULTS = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 };

function each(template: CfnTemplate, type: string, isActive: (id: string) => boolean) {
  return Object.entries(template.Resources).filter(
    ([id, resource]) => resource.Type === type && isActive(id),
  );
}

/** Every EventInvokeConfig of the template. */
export function asyncInvokeConfigs(
  template: CfnTemplate,
  resolve: Resolve,
  isActive: (logicalId: string) => boolean,
): AsyncInvokeConfigSpec[] {
  return each(template, 'AWS::Lambda::EventInvokeConfig', isActive).map(([logicalId, resource]) => {
    const p = resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
    const destinations = (p.DestinationConfig ?? {}) as Record<string, { Destination?: string } | undefined>;
    const onFailureArn = destinations.OnFailure?.Destination;
    const onSuccessArn = destinations.OnSuccess?.Destination;
    return {
      logicalId,
      functionName: String(p.FunctionName),
      qualifier: String(p.Qualifier ?? '$LATEST'),
      maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? ASYNC_DEFAULTS.maximumRetryAttempts),
      maximumEventAgeSeconds: Number(p.MaximumEventAgeInSeconds ?? ASYNC_DEFAULTS.maximumEventAgeSeconds),
      ...(onFailureArn ? { onFailureArn } : {}),
      ...(onSuccessArn ? { onSuccessArn } : {}),
    };
  });
}

/** Every schedule of the template; a target other than a Lambda function stops the start. */
export function schedules(
  template: CfnTemplate,
  resolve: Resolve,
  isActive: (logicalId: string) => boolean,
): ScheduleSpec[] {
  return each(template, 'AWS::Scheduler::Schedule', isActive).map(([logicalId, resource]) => {
    const p = resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
    const target = (p.Target ?? {}) as Record<string, unknown>;
    const arn = String(target.Arn);
    if (!/^arn:[^:]+:lambda:/.test(arn)) {
      throw new TemplateError(
        `${logicalId}.Target.Arn: only Lambda function targets are emulated (got ${arn})`,
      );
    }
    const retry = (target.RetryPolicy ?? {}) as Record<string, number | undefined>;
    const window = (p.FlexibleTimeWindow ?? { Mode: 'OFF' }) as ScheduleSpec['flexibleTimeWindow'];
    const deadLetterArn = (target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
    return {
      logicalId,
      name: String(p.Name ?? resolve({ Ref: logicalId }, logicalId)),
      expression: String(p.ScheduleExpression),
      timezone: String(p.ScheduleExpressionTimezone ?? 'UTC'),
      state: p.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      flexibleTimeWindow: window,
      ...(p.StartDate ? { startDate: new Date(String(p.StartDate)) } : {}),
      ...(p.EndDate ? { endDate: new Date(String(p.EndDate)) } : {}),
      target: {
        arn,
        ...(target.Input === undefined ? {} : { input: String(target.Input) }),
        retryPolicy: {
          maximumRetryAttempts: retry.MaximumRetryAttempts ?? SCHEDULER_RETRY_DEFAULTS.maximumRetryAttempts,
          maximumEventAgeSeconds:
            retry.MaximumEventAgeInSeconds ?? SCHEDULER_RETRY_DEFAULTS.maximumEventAgeSeconds,
        },
        ...(deadLetterArn ? { deadLetterArn } : {}),
      },
    };
  });
}

/** Every Custom::Trigger of the template (run once at start, as the deploy runs them). */
export function triggers(
  template: CfnTemplate,
  resolve: Resolve,
  isActive: (logicalId: string) => boolean,
): TriggerSpec[] {
  return each(template, 'Custom::Trigger', isActive).map(([logicalId, resource]) => {
    const p = resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
    return {
      logicalId,
      handlerArn: String(p.HandlerArn),
      invocationType: String(p.InvocationType ?? 'RequestResponse'),
    };
  });
}
