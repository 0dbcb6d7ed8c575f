import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRestApiModel } from './api-gateway/build-rest-api-model.ts';
import { startTemplateRestApi } from './api-gateway/start-template-rest-api.ts';
import type { LocalUserPools } from './cognito/local-user-pools.ts';
import { startLocalDataApi } from './data-api/start-local-data-api.ts';
import { startDemo } from './demo/start-demo.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { ensureDatabase } from './ensure-database.ts';
import { startLocalLambda } from './lambda/invoke-server.ts';
import { LOCAL_ACCOUNT, type LocalAccount } from './local-account.ts';
import { type LocalCredentials, localCredentials } from './local-credentials.ts';
import { startLocalOidcIssuer } from './oidc/local-oidc-issuer.ts';
import { createSqsClient } from './sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from './sqs/start-local-sqs.ts';
import { readAssemblyStack } from './template/cloud-assembly.ts';
import { createResolver } from './template/intrinsics.ts';
import { localResourceValues } from './template/local-resource-values.ts';
import { formatResourceTable, type PlannedResource, planResources } from './template/resource-plan.ts';
import { synthesize } from './template/synthesize.ts';
import { asyncInvokeConfigs, schedules, triggers } from './template/template-async-targets.ts';
import { clusterOf } from './template/template-cluster.ts';
import { sqsEventSourceMappings } from './template/template-event-sources.ts';
import { templateFunctions } from './template/template-functions.ts';
import { type LocalOutput, resolveOutputs } from './template/template-outputs.ts';
import { createTemplateQueues } from './template/template-queues.ts';
import { templateTokenIssuers } from './template/template-token-issuers.ts';
import { startTemplateEventSources, type TemplateEventSources } from './template-runtime/event-sources.ts';
import { LocalFunctions } from './template-runtime/local-functions.ts';
import { startTemplateSchedules, type TemplateSchedules } from './template-runtime/schedules.ts';
import { sendToTemplateQueue } from './template-runtime/send-to-queue.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LocalStackOptions {
  /** Where the stack keeps its state (PostgreSQL data, SQS messages, the synthesized app, local.json). */
  readonly stateDir: string;
  /** Start from an empty journal and empty queues. */
  readonly fresh: boolean;
  /** Also run a simulated orchestrator and two swarms publishing events. */
  readonly demo?: boolean;
  /** The CDK stage to synthesize (`-c stage=`); dev by default. */
  readonly stage?: string;
  /** More CDK context for the synthesis (`-c name=value`), e.g. the authorization mode. */
  readonly context?: Readonly<Record<string, string>>;
  /**
   * When the template's authorizer trusts an issuer on loopback: `start` (default) runs the local
   * OIDC issuer there; `external` leaves it to the caller (tests share one issuer across stacks).
   */
  readonly oidcIssuer?: 'start' | 'external';
  /** Run this cloud assembly (e.g. a test's variant) instead of synthesizing cdk.json's app. */
  readonly assemblyDir?: string;
  /** An existing PostgreSQL server (no database in the URL) instead of the embedded one. */
  readonly postgresServerUrl?: string;
  /**
   * Prefix of the PostgreSQL databases behind the cluster, so several local stacks can share one
   * server (tests); none by default.
   */
  readonly databasePrefix?: string;
  /** The HTTP API's port (3000 by default; 0 picks a free one). */
  readonly apiPort?: number;
  /** Development override: every schedule fires at this interval instead of its expression. */
  readonly scheduleEveryMs?: number;
  /** Serve the API without checking authorization (as LocalStack without IAM enforcement). */
  readonly open?: boolean;
  /** The cluster's auto-pause: the idle time overrides the template's; the resume period is AWS's ~15 s. */
  readonly autoPause?: { readonly afterIdleMs?: number; readonly resumeMs?: number };
  /** Scales Lambda's asynchronous retry delays (1 and 2 minutes), for tests. */
  readonly asyncRetryDelayScale?: number;
  readonly log: (line: string) => void;
}

/** What `npm start` writes to <stateDir>/local.json: how to call the stack as one would call AWS. */
export interface LocalStackEndpoints {
  /** The stage's base URL (the stack's ApiUrl output), ending with `/`. */
  readonly apiUrl: string;
  readonly region: string;
  readonly credentials: LocalCredentials;
  /** The template's outputs with local values. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Lambda Invoke endpoint: `aws lambda invoke --endpoint-url <it> --function-name <name>`. */
  readonly lambdaEndpoint: string;
  /** Function names by logical id. */
  readonly functions: Readonly<Record<string, string>>;
  readonly sqsEndpoint: string;
  /** The queue the ingest event source consumes, and its dead-letter queue. */
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly dataApiEndpoint: string;
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
  readonly databaseUrl: string;
  /** Where the synthesized cloud assembly is. */
  readonly assemblyDir: string;
  /** The issuer whose bearer tokens the API accepts (jwt authorization), when it has one. */
  readonly oidcIssuer?: string;
}

export interface RunningLocalStack {
  readonly endpoints: LocalStackEndpoints;
  /** Every resource of the template and what the local cloud does with it. */
  readonly resources: readonly PlannedResource[];
  /** The resource table and what was overridden, for the banner. */
  readonly summary: {
    readonly table: string;
    readonly overrides: readonly string[];
    readonly synthesis: string;
  };
  /** The functions of the template (invocation history, for tests and the banner). */
  readonly functions: LocalFunctions;
  readonly eventSources: TemplateEventSources;
  readonly schedules: TemplateSchedules;
  /** The local SQS endpoint (fault injection for tests). */
  readonly sqs: LocalSqs;
  /**
   * Stand-ins for the Cognito user pools the template's authorizers name (none without one): their
   * keys are made at start, so tokens for them are minted here (`pool(id).mintAccessToken`).
   */
  readonly userPools: LocalUserPools;
  /** The Aurora cluster's state: available, or paused / resuming when the template lets it pause. */
  clusterState(): 'available' | 'paused' | 'resuming';
  stop(): Promise<void>;
}

/**
 * Runs the synthesized template locally: the functions from their bundles, the queues, event source
 * mappings, REST API, schedules and the database cluster as the template declares them, on
 * emulations of the AWS services. Nothing here restates a deployed setting: all of it is read from
 * the template.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<RunningLocalStack> {
  const pgDir = join(options.stateDir, 'postgres');
  const sqsState = join(options.stateDir, 'sqs.json');
  if (options.fresh) {
    await rm(pgDir, { recursive: true, force: true });
    await rm(sqsState, { force: true });
  }
  await mkdir(options.stateDir, { recursive: true });
  const account: LocalAccount = LOCAL_ACCOUNT;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error) => options.log(`stop: ${error}`));
  };
  try {
    const stage = options.stage ?? 'dev';
    const synthesis = options.assemblyDir
      ? { assemblyDir: options.assemblyDir, cached: true, durationMs: 0, given: true }
      : {
          ...(await synthesize({
            projectRoot: PROJECT_ROOT,
            outDir: join(options.stateDir, 'cdk.out', stage),
            context: { ...options.context, stage },
            log: options.log,
          })),
          given: false,
        };
    const stack = await readAssemblyStack(synthesis.assemblyDir);
    const credentials = await localCredentials(options.stateDir);

    const postgres = options.postgresServerUrl
      ? undefined
      : await startEmbeddedPostgres({ dataDir: pgDir, persistent: true });
    if (postgres) stops.push(() => postgres.stop());
    const serverUrl = options.postgresServerUrl ?? (postgres?.serverUrl as string);
    const localSqs = await startLocalSqs({ statePath: sqsState, region: account.region });
    stops.push(() => localSqs.close());

    const pseudo = {
      ...account,
      urlSuffix: 'amazonaws.com',
      stackName: stack.stackName,
      stackId: `arn:${account.partition}:cloudformation:${account.region}:${account.accountId}:stack/${stack.stackName}/local`,
    };
    const databaseUrl = new URL(serverUrl);
    let resolver: ReturnType<typeof createResolver> | undefined;
    const values = localResourceValues(
      stack.template,
      pseudo,
      {
        sqsEndpoint: localSqs.endpoint,
        databaseHost: databaseUrl.hostname,
        databasePort: Number(databaseUrl.port),
      },
      () => (resolver as ReturnType<typeof createResolver>).resolve,
    );
    resolver = createResolver(stack.template, pseudo, values);
    const { resolve } = resolver;
    const isActive = (logicalId: string) => {
      const condition = stack.template.Resources[logicalId]?.Condition;
      return condition === undefined || (resolver as ReturnType<typeof createResolver>).condition(condition);
    };
    const resources = planResources(stack.template, isActive);
    const overrides: string[] = [];

    // The Aurora cluster: the embedded PostgreSQL behind the local Data API, with its auto-pause.
    const cluster = clusterOf(stack.template, resolve, isActive);
    const autoPause = cluster.autoPauseAfterSeconds
      ? {
          afterIdleMs: options.autoPause?.afterIdleMs ?? cluster.autoPauseAfterSeconds * 1000,
          resumeMs: options.autoPause?.resumeMs ?? AURORA_RESUME_MS,
        }
      : undefined;
    if (autoPause && options.autoPause?.afterIdleMs !== undefined) {
      overrides.push(
        `cluster auto-pause after ${autoPause.afterIdleMs} ms idle (template: ${cluster.autoPauseAfterSeconds} s)`,
      );
    }
    // The cluster's DatabaseName exists from its creation; the deploy's migrations fill it.
    await ensureDatabase(serverUrl, `${options.databasePrefix ?? ''}${cluster.databaseName}`);
    const dataApi = await startLocalDataApi({
      serverUrl,
      cluster: {
        resourceArn: cluster.resourceArn,
        secretArn: cluster.secretArn,
        ...(options.databasePrefix ? { databasePrefix: options.databasePrefix } : {}),
      },
      ...(autoPause ? { autoPause } : {}),
    });
    stops.push(() => dataApi.close());

    const sqs = createSqsClient(localSqs.endpoint, account.region, credentials);
    stops.push(async () => sqs.destroy());
    const queues = await createTemplateQueues(sqs, stack.template, resolve, isActive);
    const sendToQueue = sendToTemplateQueue(sqs, queues);

    const functions = new LocalFunctions({
      account,
      credentials,
      log: options.log,
      sendToQueue,
      logDir: join(options.stateDir, 'logs'),
      ...(options.asyncRetryDelayScale === undefined
        ? {}
        : { retryDelayScale: options.asyncRetryDelayScale }),
    });
    stops.push(() => functions.close());
    const lambda = await startLocalLambda({ functions });
    stops.push(() => lambda.close());
    const endpointOverrides = {
      AWS_ENDPOINT_URL_SQS: localSqs.endpoint,
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    };
    const functionSpecs = await templateFunctions(
      stack,
      resolve,
      isActive,
      endpointOverrides,
      join(options.stateDir, 'inline-code'),
    );
    for (const spec of functionSpecs) functions.addFunction(spec);
    // A bearer-token authorizer trusting an issuer on this machine: the local OIDC issuer is it.
    const [tokenIssuer, ...otherIssuers] = templateTokenIssuers(functionSpecs);
    if (otherIssuers.length > 0) throw new Error('the template has more than one bearer-token authorizer');
    if (tokenIssuer?.local && (options.oidcIssuer ?? 'start') === 'start') {
      const url = new URL(tokenIssuer.issuerUrl);
      const issuer = await startLocalOidcIssuer({
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: Number(url.port || 80),
        audience: tokenIssuer.audience ?? tokenIssuer.clientId ?? 'hive-journal',
        ...(url.pathname === '/' ? {} : { issuerPath: url.pathname.replace(/\/$/, '') }),
      });
      stops.push(() => issuer.stop());
      options.log(`local OIDC issuer ${issuer.issuerUrl} (${tokenIssuer.logicalId} trusts it)`);
    } else if (tokenIssuer && !tokenIssuer.local) {
      options.log(
        `bearer tokens: ${tokenIssuer.logicalId} trusts ${tokenIssuer.issuerUrl}; get tokens there`,
      );
    }
    for (const config of asyncInvokeConfigs(stack.template, resolve, isActive))
      functions.configureAsync(config);

    // The deploy's triggers (the schema migrations) run before anything takes traffic.
    for (const trigger of triggers(stack.template, resolve, isActive)) {
      const outcome = await functions.invoke(trigger.handlerArn, {});
      if (outcome.kind === 'failed') {
        throw new Error(
          `${trigger.logicalId}: ${trigger.handlerArn} failed (${outcome.error.errorType}: ${outcome.error.errorMessage})`,
        );
      }
      options.log(`${trigger.logicalId}: ${JSON.stringify(outcome.payload)}`);
    }

    const mappings = sqsEventSourceMappings(stack.template, resolve, queues, isActive);
    const eventSources = await startTemplateEventSources({
      sqs,
      invoke: (name, event) => functions.invoke(name, event),
      timeoutOf: (name) => functions.timeoutSecondsOf(name),
      mappings,
      log: options.log,
    });
    // Stopped first of what consumes: waits for batches in hand, so nothing committed stays unacknowledged.
    stops.push(() => eventSources.stop());

    const api = await startTemplateRestApi({
      model: buildRestApiModel(stack.template, resolve),
      invoke: (arn, event) => functions.invoke(arn, event),
      region: account.region,
      accountId: account.accountId,
      credentials,
      port: options.apiPort ?? 3000,
      authorization: options.open ? 'open' : 'enforce',
      log: options.log,
    });
    stops.push(() => api.close());
    if (options.open) overrides.push('API authorization is not checked (--open)');
    if (api.userPools.pools.length > 0) {
      overrides.push(
        `Cognito user pools ${api.userPools.pools.map((pool) => pool.poolId).join(', ')} are local stand-ins: tokens are minted locally`,
      );
    }

    const scheduled = startTemplateSchedules({
      schedules: schedules(stack.template, resolve, isActive),
      arnOf: (logicalId) => String(resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] }, logicalId)),
      invokeAsync: (arn, payload) => functions.invokeAsync(arn, payload),
      sendToQueue,
      ...(options.scheduleEveryMs === undefined ? {} : { everyMs: options.scheduleEveryMs }),
      log: options.log,
    });
    stops.push(() => scheduled.stop());
    if (options.scheduleEveryMs !== undefined) {
      overrides.push(`schedules fire every ${options.scheduleEveryMs / 1000} s (--maintenance-every)`);
    }

    const ingest = mappings[0];
    if (!ingest) throw new Error('the template has no SQS event source mapping (the ingest queue)');
    const dlq = [...queues.values()].find((queue) => queue.arn === ingest.queue.redriveTargetArn);
    if (options.demo) {
      const demo = startDemo({ queueUrl: ingest.queue.url, sqs, log: options.log });
      // Stopped before the ingest: its last events are sent, then consumed or saved with the queue.
      stops.push(() => demo.stop());
    }

    // The stage URL CloudFormation reports (https://<api>.execute-api.<region>.amazonaws.com/<stage>/)
    // is the local gateway's, as LocalStack rewrites it to its own host.
    const rewrite = (value: string) =>
      value.replace(/^https:\/\/[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com\//, `${api.url}/`);
    const outputs = resolveOutputs(stack.template, resolve, rewrite);
    const endpoints: LocalStackEndpoints = {
      apiUrl: api.stageUrl,
      region: account.region,
      credentials,
      outputs: Object.fromEntries(
        Object.entries(outputs)
          .filter((entry): entry is [string, LocalOutput & { value: string }] => entry[1].value !== undefined)
          .map(([name, output]) => [name, output.value]),
      ),
      lambdaEndpoint: lambda.endpoint,
      functions: functions.namesByLogicalId(),
      sqsEndpoint: localSqs.endpoint,
      queueUrl: ingest.queue.url,
      dlqUrl: dlq?.url ?? '',
      dataApiEndpoint: dataApi.endpoint,
      resourceArn: cluster.resourceArn,
      secretArn: cluster.secretArn,
      database: cluster.databaseName,
      databaseUrl: `${serverUrl}/${options.databasePrefix ?? ''}${cluster.databaseName}`,
      assemblyDir: synthesis.assemblyDir,
      ...(tokenIssuer ? { oidcIssuer: tokenIssuer.issuerUrl } : {}),
    };
    await writeFile(join(options.stateDir, 'local.json'), `${JSON.stringify(endpoints, null, 2)}\n`, {
      mode: 0o600,
    });
    return {
      endpoints,
      resources,
      summary: {
        table: formatResourceTable(resources),
        overrides,
        synthesis: synthesis.given
          ? `cloud assembly ${synthesis.assemblyDir}`
          : synthesis.cached
            ? `cdk synth cached (${synthesis.assemblyDir})`
            : `cdk synth in ${(synthesis.durationMs / 1000).toFixed(1)} s (${synthesis.assemblyDir})`,
      },
      functions,
      eventSources,
      schedules: scheduled,
      sqs: localSqs,
      userPools: api.userPools,
      clusterState: () => dataApi.state(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * "Resuming an auto-paused Aurora Serverless v2 instance ... typically takes about 15 seconds"
 * (aurora-serverless-v2-auto-pause.html); the local cluster waits as long unless told otherwise.
 */
const AURORA_RESUME_MS = 15_000;
