import { dirname } from 'node:path';

/** What an execution environment's variables are made from. */
export interface EnvironmentSource {
  readonly functionName: string;
  readonly handler: string;
  readonly runtime: string;
  readonly memorySizeMb: number;
  readonly region: string;
  readonly codeDir: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** `YYYY/MM/DD/[$LATEST]<hex>`, one per execution environment. */
  readonly logStreamName: string;
  /** Stands in for /var/runtime (where the runtime itself is). */
  readonly runtimeDir: string;
  /** Stands in for /var/runtime/node_modules (the runtime's AWS SDK). */
  readonly runtimeNodeModules: string;
}

const TASK_ROOT = '/var/task';

/**
 * The environment variables Lambda gives a Node.js function ("Defined runtime environment
 * variables", Lambda developer guide): the reserved ones, which a function's configuration cannot
 * set, over the function's own variables, over the unreserved defaults (LANG, PATH, NODE_PATH) that
 * a function may replace. Paths are this machine's: LAMBDA_TASK_ROOT is the bundle's folder, and a function variable that
 * points into /var/task (JOURNAL_MIGRATIONS_DIR=/var/task/migrations) is pointed into that folder,
 * because Lambda unpacks the bundle at /var/task and the variable means "in my bundle".
 * Not set: AWS_LAMBDA_RUNTIME_API (no Runtime API here: the worker is handed its invocations) and
 * LD_LIBRARY_PATH (it only matters to a process's dynamic loader, and a worker is not a process).
 */
export function lambdaEnvironment(source: EnvironmentSource): Record<string, string> {
  const functionVariables = Object.fromEntries(
    Object.entries(source.environment).map(([name, value]) => [name, inBundle(value, source.codeDir)]),
  );
  return {
    LANG: 'en_US.UTF-8',
    // /var/lang/bin is where Lambda's node is: here, this process's.
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin/:/bin:/opt/bin`,
    NODE_PATH: [
      '/opt/nodejs/node24/node_modules',
      '/opt/nodejs/node_modules',
      source.runtimeNodeModules,
      source.runtimeDir,
      source.codeDir,
    ].join(':'),
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    // Nothing listens there: the invocations' trace headers say Sampled=0, so nothing is sent.
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    ...functionVariables,
    _HANDLER: source.handler,
    AWS_REGION: source.region,
    AWS_DEFAULT_REGION: source.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${source.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: source.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(source.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${source.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: source.logStreamName,
    AWS_ACCESS_KEY_ID: source.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: source.credentials.secretAccessKey,
    ...(source.credentials.sessionToken ? { AWS_SESSION_TOKEN: source.credentials.sessionToken } : {}),
    LAMBDA_TASK_ROOT: source.codeDir,
    LAMBDA_RUNTIME_DIR: source.runtimeDir,
    // Only the variable: a worker cannot have its own time zone (it is the process's), so the
    // local cloud's process runs in UTC for Date to behave as in Lambda.
    TZ: ':UTC',
  };
}

function inBundle(value: string, codeDir: string): string {
  if (value === TASK_ROOT) return codeDir;
  return value.startsWith(`${TASK_ROOT}/`) ? `${codeDir}${value.slice(TASK_ROOT.length)}` : value;
}
