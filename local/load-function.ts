/** The environment the Lambdas get in AWS, pointed at local endpoints. */
export interface FunctionEnv {
  readonly JOURNAL_CLUSTER_ARN: string;
  readonly JOURNAL_SECRET_ARN: string;
  readonly JOURNAL_DATABASE: string;
  /** The SDK's own endpoint override variable: the handler code is unchanged. */
  readonly AWS_ENDPOINT_URL_RDS_DATA: string;
  readonly [name: string]: string;
}

/** The Lambda entries of functions/, by name. */
export type FunctionName = 'ingest' | 'api-read' | 'api-write' | 'maintenance' | 'migrate';

/**
 * Loads a real Lambda entry (functions/<name>.ts) the way Lambda does: its environment set first,
 * then the module imported, so its cold-start configuration parsing runs as in AWS. One process
 * hosts every function locally, so they share one environment.
 */
export async function loadFunction<Handler>(name: FunctionName, env: FunctionEnv): Promise<Handler> {
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    POWERTOOLS_SERVICE_NAME: process.env.POWERTOOLS_SERVICE_NAME ?? 'hive-journal',
    ...env,
  });
  const module = (await import(`../functions/${name}.ts`)) as { handler: Handler };
  return module.handler;
}
