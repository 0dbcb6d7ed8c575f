import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { JournalStack } from './journal-stack.ts';

// Environment-agnostic: synth needs no credentials and no lookups. Context (cdk.json or -c):
//   stage        dev (default; throw-away: no deletion protection, nothing retained) or any other name
//   corsOrigins  comma-separated browser origins of the Hive UI
//   alarmEmail   an address subscribed to the alarm topic
const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
const corsOrigins = String(app.node.tryGetContext('corsOrigins') ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter((origin) => origin !== '');
const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;

new JournalStack(app, `HiveJournal-${stage}`, {
  description: `hive-journal (${stage}): journal of load-testing swarms, PocketHive-compatible`,
  service: {
    dev: stage === 'dev',
    ...(stage === 'dev' ? { database: { minCapacity: 0 } } : {}),
    api: { corsOrigins },
    observability: { alarmEmails: alarmEmail ? [alarmEmail] : [] },
  },
});
// cdk-nag (AwsSolutions) on every synth: an unsuppressed finding is an error and fails it.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
