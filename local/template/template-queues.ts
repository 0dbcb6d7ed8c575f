import {
  CreateQueueCommand,
  QueueDeletedRecently,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type CfnTemplate, type Resolve, TemplateError } from './cfn-template.ts';

/** A queue of the template as created on the local SQS. */
export interface TemplateQueue {
  readonly logicalId: string;
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  /** The dead-letter queue its redrive policy names. */
  readonly redriveTargetArn?: string;
}

/** AWS::SQS::Queue properties and the queue attributes they set (CloudFormation's mapping). */
const ATTRIBUTE_OF_PROPERTY: Readonly<Record<string, string>> = {
  VisibilityTimeout: 'VisibilityTimeout',
  MessageRetentionPeriod: 'MessageRetentionPeriod',
  DelaySeconds: 'DelaySeconds',
  MaximumMessageSize: 'MaximumMessageSize',
  ReceiveMessageWaitTimeSeconds: 'ReceiveMessageWaitTimeSeconds',
  RedrivePolicy: 'RedrivePolicy',
};

/**
 * Creates every AWS::SQS::Queue of the template on the local SQS with the attributes it declares,
 * dead-letter queues before the queues that name them. A queue kept from an earlier run (the local
 * SQS saves its state) gets the template's attributes, as a stack update would set them.
 */
export async function createTemplateQueues(
  sqs: SQSClient,
  template: CfnTemplate,
  resolve: Resolve,
  isActive: (logicalId: string) => boolean,
): Promise<Map<string, TemplateQueue>> {
  const ids = Object.entries(template.Resources)
    .filter(([id, resource]) => resource.Type === 'AWS::SQS::Queue' && isActive(id))
    .map(([id]) => id);
  const created = new Map<string, TemplateQueue>();
  const pending = new Set(ids);
  while (pending.size > 0) {
    const ready = [...pending].filter((id) =>
      dependenciesOf(template.Resources[id]?.Properties).every((dep) => !pending.has(dep) || dep === id),
    );
    if (ready.length === 0)
      throw new TemplateError(`queues depend on each other in a cycle: ${[...pending].join(', ')}`);
    for (const id of ready) {
      created.set(id, await createQueue(sqs, id, template, resolve));
      pending.delete(id);
    }
  }
  return created;
}

async function createQueue(
  sqs: SQSClient,
  logicalId: string,
  template: CfnTemplate,
  resolve: Resolve,
): Promise<TemplateQueue> {
  const properties = template.Resources[logicalId]?.Properties ?? {};
  const url = String(resolve({ Ref: logicalId }, logicalId));
  const arn = String(resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] }, logicalId));
  const name = String(resolve({ 'Fn::GetAtt': [logicalId, 'QueueName'] }, logicalId));
  const attributes: Record<string, string> = {};
  let redriveTargetArn: string | undefined;
  for (const [property, attribute] of Object.entries(ATTRIBUTE_OF_PROPERTY)) {
    const value = properties[property];
    if (value === undefined) continue;
    const resolved = resolve(value, `${logicalId}.${property}`);
    attributes[attribute] = typeof resolved === 'object' ? JSON.stringify(resolved) : String(resolved);
    if (property === 'RedrivePolicy') {
      const policy = (typeof resolved === 'string' ? JSON.parse(resolved) : resolved) as {
        deadLetterTargetArn?: string;
      };
      redriveTargetArn = policy.deadLetterTargetArn;
    }
  }
  try {
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  } catch (error) {
    if (!(error instanceof QueueNameExists) && !(error instanceof QueueDeletedRecently)) throw error;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  return { logicalId, name, url, arn, ...(redriveTargetArn ? { redriveTargetArn } : {}) };
}

/** The logical ids a value refers to (Ref and Fn::GetAtt), for creation order. */
export function dependenciesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(dependenciesOf);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return [record.Ref];
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return [String(getAtt[0])];
  return Object.values(record).flatMap(dependenciesOf);
}
