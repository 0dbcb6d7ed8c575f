import { join } from 'node:path';
import { App, Duration } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { PROJECT_ROOT } from '../../infra/journal-function.ts';
import { JournalStack } from '../../infra/journal-stack.ts';

// A variant of the deployed stack for tests of the local cloud (`cdk synth --app "node
// test/support/variant-app.ts"`): the dev stage with settings changed through the construct's own
// props, plus a function that sleeps as long as its event says, to outlive its timeout.
const app = new App();
const variant = JSON.parse(String(app.node.tryGetContext('variant') ?? '{}')) as {
  ingestBatchSize?: number;
  ingestTimeoutSeconds?: number;
  publicMetrics?: boolean;
};
const stack = new JournalStack(app, 'HiveJournal-variant', {
  service: {
    dev: true,
    database: { minCapacity: 0 },
    ingest: {
      ...(variant.ingestBatchSize ? { batchSize: variant.ingestBatchSize } : {}),
      ...(variant.ingestTimeoutSeconds ? { timeout: Duration.seconds(variant.ingestTimeoutSeconds) } : {}),
    },
    api: { publicMetrics: variant.publicMetrics ?? false },
  },
});
new NodejsFunction(stack, 'SleepyFunction', {
  entry: join(PROJECT_ROOT, 'test', 'support', 'sleepy-function.ts'),
  projectRoot: PROJECT_ROOT,
  depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
  runtime: Runtime.NODEJS_24_X,
  timeout: Duration.seconds(1),
  bundling: { format: OutputFormat.ESM, forceDockerBundling: false },
});
