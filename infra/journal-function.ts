import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';

/** The repository root: the entries are functions/<entry>.ts and the schema is migrations/*.sql. */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The Lambda entries, one per file in functions/. */
export type JournalEntry = 'ingest' | 'migrate' | 'maintenance' | 'api-read' | 'api-write' | 'authorizer';

/** Where the bundled migration files are inside the function (Lambda unpacks the bundle at /var/task). */
export const BUNDLED_MIGRATIONS_DIR = '/var/task/migrations';

/** What every function of the service shares: names, log level and retention, metrics namespace. */
export interface JournalFunctionDefaults {
  /** Prefix of each function's Powertools service name: `<serviceName>-<entry>`. */
  readonly serviceName: string;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly metricsNamespace: string;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

export interface JournalFunctionProps {
  readonly entry: JournalEntry;
  readonly description: string;
  readonly defaults: JournalFunctionDefaults;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment?: Readonly<Record<string, string>>;
  /** Copy migrations/*.sql into the bundle and point JOURNAL_MIGRATIONS_DIR at them. */
  readonly bundleMigrations?: boolean;
  readonly reservedConcurrentExecutions?: number;
}

/** The Powertools service name (the `service` metric dimension) of an entry. */
export function serviceNameOf(defaults: Pick<JournalFunctionDefaults, 'serviceName'>, entry: JournalEntry) {
  return `${defaults.serviceName}-${entry}`;
}

/**
 * A function of the service: nodejs24.x on arm64, an ESM bundle made by esbuild, X-Ray active
 * tracing, Powertools configured through its environment variables, and its own log group with a
 * retention. Every Lambda of the stack is one of these.
 */
export class JournalFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: JournalFunctionProps) {
    const { defaults } = props;
    // A log group of our own: retention without the LogRetention custom resource, and the function's
    // role writes to this group only.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: defaults.logRetention,
      removalPolicy: defaults.logRemovalPolicy,
    });
    // A role of our own instead of AWSLambdaBasicExecutionRole (logs:* on every group): it may write
    // to this function's log group and nothing else until grants add what the function needs.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: join(PROJECT_ROOT, 'functions', `${props.entry}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: {
        POWERTOOLS_SERVICE_NAME: serviceNameOf(defaults, props.entry),
        POWERTOOLS_LOG_LEVEL: defaults.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: defaults.metricsNamespace,
        NODE_OPTIONS: '--enable-source-maps',
        ...(props.bundleMigrations ? { JOURNAL_MIGRATIONS_DIR: BUNDLED_MIGRATIONS_DIR } : {}),
        ...props.environment,
      },
      bundling: journalBundling(props.bundleMigrations ?? false),
    });
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions, so AWS requires Resource "*" (a test checks that only X-Ray actions get it).',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }
}

// esbuild's ESM output has no `require`; CommonJS dependencies (aws-xray-sdk-core under the
// Powertools tracer) call it for Node built-ins, so the bundle defines one.
const REQUIRE_BANNER =
  "import { createRequire as __journalCreateRequire } from 'node:module'; const require = __journalCreateRequire(import.meta.url);";

/**
 * How every function is bundled. The AWS SDK v3 (@aws-sdk/*, @smithy/*) is left to the one the
 * nodejs24.x runtime ships: bundled, it would add ~300 KB to every function (the default credential
 * chain pulls in the SSO/STS clients) and the 500 KB budget would not hold. The Data API calls we make
 * (ExecuteStatement, BatchExecuteStatement, transactions, formatRecordsAs JSON) are years older than
 * any runtime SDK, so the runtime's version is safe; pin by bundling only if that ever changes.
 */
function journalBundling(withMigrations: boolean): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: 'node24',
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: REQUIRE_BANNER,
    bundleAwsSDK: false,
    externalModules: ['@aws-sdk/*', '@smithy/*'],
    forceDockerBundling: false,
    logLevel: LogLevel.WARNING,
    ...(withMigrations
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) => [
              `mkdir -p "${outputDir}/migrations"`,
              `cp "${inputDir}"/migrations/*.sql "${outputDir}/migrations/"`,
            ],
          },
        }
      : {}),
  };
}
