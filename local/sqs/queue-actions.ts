import type { ActionHandler } from './action-context.ts';
import type { Queue } from './queue.ts';
import { describeQueueAttributes } from './queue-attributes.ts';
import { LOCAL_ACCOUNT_ID } from './queue-store.ts';
import type { RequestInput } from './request-input.ts';
import { sqsErrors } from './sqs-error.ts';

const MAX_RESULTS = { min: 1, max: 1000 };
const UNPAGED_LIMIT = 1000;

export const createQueue: ActionHandler = (input, context) => {
  const queue = context.store.create(
    input.requiredString('QueueName'),
    input.stringMap('Attributes'),
    context.clock(),
  );
  return { QueueUrl: queue.url };
};

export const getQueueUrl: ActionHandler = (input, context) => {
  const name = input.requiredString('QueueName');
  const owner = input.optionalString('QueueOwnerAWSAccountId');
  const queue = owner === undefined || owner === LOCAL_ACCOUNT_ID ? context.store.byName(name) : undefined;
  if (!queue) throw sqsErrors.queueDoesNotExist();
  return { QueueUrl: queue.url };
};

/** ListQueues: up to 1,000 URLs; with MaxResults, pages linked by NextToken. */
export const listQueues: ActionHandler = (input, context) => {
  const queues = context.store.list(input.optionalString('QueueNamePrefix') ?? '');
  const page = paginate(queues, input);
  return {
    ...(page.items.length > 0 ? { QueueUrls: page.items.map((queue) => queue.url) } : {}),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

export const listDeadLetterSourceQueues: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  const page = paginate(context.store.deadLetterSourcesOf(queue.arn), input);
  return {
    queueUrls: page.items.map((source) => source.url),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

export const getQueueAttributes: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  const attributes = describeQueueAttributes(
    queue.settings,
    queue.facts(context.clock()),
    input.stringList('AttributeNames'),
  );
  return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
};

export const setQueueAttributes: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  context.store.setAttributes(queue, input.stringMap('Attributes'), context.clock());
  return {};
};

export const deleteQueue: ActionHandler = (input, context) => {
  context.store.delete(context.store.byUrl(input.requiredString('QueueUrl')), context.clock());
  return {};
};

export const purgeQueue: ActionHandler = (input, context) => {
  context.store.byUrl(input.requiredString('QueueUrl')).purge(context.clock());
  return {};
};

function paginate(queues: readonly Queue[], input: RequestInput): { items: Queue[]; nextToken?: string } {
  const maxResults = input.optionalInteger('MaxResults', MAX_RESULTS);
  const token = input.optionalString('NextToken');
  const start = token === undefined ? 0 : decodeToken(token);
  const limit = maxResults ?? UNPAGED_LIMIT;
  const items = queues.slice(start, start + limit);
  const next = start + items.length;
  return maxResults !== undefined && next < queues.length
    ? { items, nextToken: encodeToken(next) }
    : { items };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error for an unreadable token
  }
  throw sqsErrors.invalidParameterValue('Invalid NextToken value.');
}
