import type { ActionHandler } from './action-context.ts';

const MESSAGES_PER_SECOND = { min: 1, max: 500 };
const MAX_RESULTS = { min: 1, max: 10 };

export const startMessageMoveTask: ActionHandler = (input, context) => {
  const destinationArn = input.optionalString('DestinationArn');
  const maxNumberOfMessagesPerSecond = input.optionalInteger(
    'MaxNumberOfMessagesPerSecond',
    MESSAGES_PER_SECOND,
  );
  const taskHandle = context.moveTasks.start({
    sourceArn: input.requiredString('SourceArn'),
    ...(destinationArn ? { destinationArn } : {}),
    ...(maxNumberOfMessagesPerSecond ? { maxNumberOfMessagesPerSecond } : {}),
  });
  return { TaskHandle: taskHandle };
};

export const listMessageMoveTasks: ActionHandler = (input, context) => ({
  Results: context.moveTasks.list(
    input.requiredString('SourceArn'),
    input.optionalInteger('MaxResults', MAX_RESULTS) ?? 1,
  ),
});

export const cancelMessageMoveTask: ActionHandler = (input, context) => ({
  ApproximateNumberOfMessagesMoved: context.moveTasks.cancel(input.requiredString('TaskHandle')),
});
