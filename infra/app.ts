import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { servicePropsFromContext } from './app-context.ts';
import { JournalStack } from './journal-stack.ts';

// Environment-agnostic: synth needs no credentials and no lookups. Context (cdk.json or -c):
//   stage        dev (default; throw-away: no deletion protection, nothing retained) or any other name
//   corsOrigins  comma-separated browser origins of the Hive UI (dev default: the local UI's, see
//                infra/app-context.ts); an empty value allows none
//   alarmEmail   an address subscribed to the alarm topic
//   auth         iam (default: SigV4), jwt (bearer tokens of any OIDC issuer) or cognito
//     jwt:       jwtIssuer (required), jwtAudience and/or jwtClientIds (one required), readScopes and
//                writeScopes (required), jwtPermissionsClaim (default scope; e.g. roles, groups),
//                jwtJwksUri (default: from the issuer's discovery document), jwtClockToleranceSeconds
//                (default 30), authCacheTtlSeconds (default 300)
//     cognito:   cognitoUserPoolIds, readScopes, writeScopes
//   grafanaUrl   Grafana's base URL: pages, timelines and runs carry dashboard links (grafanaDashboardUid:
//                default the repository dashboard's)
//   consoleLinks true: events with a trace id link to X-Ray (and with traceLogGroups, comma-separated
//                log group names, to a Logs Insights query for the trace id)
// docs/deploy.md has a worked example for each mode.
const app = new App();
const read = (name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null) return undefined;
  // An empty corsOrigins means "none" (dev otherwise allows the local UI's); other keys: absent.
  return String(value).trim() === '' && name !== 'corsOrigins' ? undefined : String(value);
};
const stage = read('stage') ?? 'dev';
new JournalStack(app, `HiveJournal-${stage}`, {
  description: `hive-journal (${stage}): journal of load-testing swarms, PocketHive-compatible`,
  // The stack stays environment-agnostic; the region the CLI deploys to is still checked for the Data API.
  service: (stack) => ({
    ...servicePropsFromContext(read, stack),
    ...(process.env.CDK_DEFAULT_REGION ? { deployRegion: process.env.CDK_DEFAULT_REGION } : {}),
  }),
});
// cdk-nag (AwsSolutions) on every synth: an unsuppressed finding is an error and fails it.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
