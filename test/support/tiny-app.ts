import { App, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';

// The smallest CDK app for synthesis tests: one queue, and a description that names the `label` context.
const app = new App();
const stack = new Stack(app, 'Tiny');
new Queue(stack, 'Queue');
stack.templateOptions.description = `tiny ${String(app.node.tryGetContext('label') ?? '')}`;
