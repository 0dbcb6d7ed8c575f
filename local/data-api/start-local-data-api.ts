import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import {
  ALWAYS_AVAILABLE,
  type AutoPauseSettings,
  type ClusterPower,
  type ClusterState,
  startAutoPause,
} from './auto-pause.ts';
import { DatabasePools } from './database-pools.ts';
import { databaseResuming } from './errors.ts';
import { createDataApiHttpServer, type OperationHandler } from './http-server.ts';
import {
  batchExecuteStatement,
  beginTransaction,
  commitTransaction,
  type DataApiContext,
  executeStatement,
  rollbackTransaction,
} from './operations.ts';
import {
  batchExecuteStatementRequest,
  beginTransactionRequest,
  endTransactionRequest,
  executeStatementRequest,
  parseRequestBody,
} from './requests.ts';
import { TransactionRegistry } from './transactions.ts';

const MiB = 1024 * 1024;

/** The service's limits; tests may shrink them. */
export interface LocalDataApiLimits {
  /** 45 s: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-timeouts.html */
  readonly statementTimeoutMs: number;
  /** 3 min: BeginTransaction API reference. */
  readonly transactionIdleTimeoutMs: number;
  /** 24 h: BeginTransaction API reference. */
  readonly transactionMaxLifetimeMs: number;
  /** 4 MiB including headers: BatchExecuteStatement API reference. */
  readonly maxRequestBytes: number;
  /** 1 MiB: data-api.limitations.html. */
  readonly maxResultBytes: number;
  /** 64 KB: data-api.limitations.html. */
  readonly maxRowBytes: number;
  /** 10 MB: ExecuteStatementResponse.formattedRecords in the API reference. */
  readonly maxJsonBytes: number;
}

export const AWS_DATA_API_LIMITS: LocalDataApiLimits = {
  statementTimeoutMs: 45_000,
  transactionIdleTimeoutMs: 3 * 60_000,
  transactionMaxLifetimeMs: 24 * 60 * 60_000,
  maxRequestBytes: 4 * MiB,
  maxResultBytes: 1 * MiB,
  maxRowBytes: 64 * 1024,
  maxJsonBytes: 10 * 1000 * 1000,
};

export interface LocalDataApiOptions {
  /** PostgreSQL server URL without a database, e.g. postgres://user:pw@127.0.0.1:5432 */
  readonly serverUrl: string;
  /** 0 or absent: any free port. */
  readonly port?: number;
  readonly host?: string;
  /** Database used when a request names none. */
  readonly defaultDatabase?: string;
  readonly limits?: Partial<LocalDataApiLimits>;
  /** Time source for transaction expiry. */
  readonly clock?: () => number;
  /**
   * The cluster requests must name: its ARN and the secret attached to it (the values the template
   * resolves to). Default: LOCAL_RESOURCE_ARN and LOCAL_SECRET_ARN.
   */
  readonly cluster?: {
    readonly resourceArn: string;
    readonly secretArn: string;
    /** Prefix of the PostgreSQL databases behind this cluster's database names (see DatabasePools). */
    readonly databasePrefix?: string;
  };
  /** Aurora Serverless v2 at MinCapacity 0 (SecondsUntilAutoPause); absent: never pauses. */
  readonly autoPause?: AutoPauseSettings;
  /** Hears each change of the cluster's pause state (e.g. for a banner line). */
  readonly onStateChange?: (state: ClusterState) => void;
}

export interface LocalDataApi {
  /** Endpoint override for RDSDataClient, e.g. http://127.0.0.1:54321 */
  readonly endpoint: string;
  readonly resourceArn: string;
  readonly secretArn: string;
  /** Closes the pool of one database (its open transactions end with it), e.g. before dropping it. */
  releaseDatabase(database: string): Promise<void>;
  /** 'available' unless auto-pause is on and the cluster is paused or resuming. */
  state(): ClusterState;
  close(): Promise<void>;
}

export const LOCAL_RESOURCE_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:hive-journal-local';
export const LOCAL_SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:hive-journal-local-AbCdEf';

/** Admin route (not part of the AWS API): POST {"database": "..."} closes that database's pool. */
export const RELEASE_DATABASE_PATH = '/_local/release-database';

/**
 * Starts an HTTP server speaking the RDS Data API to the unmodified SDK v3 client (endpoint
 * override, any credentials) and running statements on a real PostgreSQL; the `database` of each
 * request selects the PostgreSQL database.
 */
export async function startLocalDataApi(options: LocalDataApiOptions): Promise<LocalDataApi> {
  const limits = { ...AWS_DATA_API_LIMITS, ...options.limits };
  const { resourceArn, secretArn } = options.cluster ?? {
    resourceArn: LOCAL_RESOURCE_ARN,
    secretArn: LOCAL_SECRET_ARN,
  };
  const pools = new DatabasePools(options.serverUrl, options.cluster?.databasePrefix);
  let power: ClusterPower = ALWAYS_AVAILABLE;
  const transactions = new TransactionRegistry(
    { idleTimeoutMs: limits.transactionIdleTimeoutMs, maxLifetimeMs: limits.transactionMaxLifetimeMs },
    options.clock ?? Date.now,
    () => power.touch(),
  );
  if (options.autoPause !== undefined) {
    power = startAutoPause(assertPositive(options.autoPause), {
      openTransactions: () => {
        // An expired transaction the sweeper has not reached yet holds no user connection on AWS.
        transactions.sweep();
        return transactions.openCount;
      },
      release: () => pools.closeAll(),
      resumingError: () => databaseResuming(resourceArn),
      onStateChange: options.onStateChange,
    });
  }
  const context: DataApiContext = {
    pools,
    transactions,
    resourceArn,
    secretArn,
    defaultDatabase: options.defaultDatabase ?? 'postgres',
    statementTimeoutMs: limits.statementTimeoutMs,
    limits,
  };
  const releaseDatabase = async (database: string) => {
    await transactions.endAllIn(database);
    await pools.release(database);
  };
  // A request naming another cluster or secret is answered as before (HttpEndpointNotEnabled,
  // SecretsError): it never reaches this cluster, so it neither wakes it nor keeps it awake.
  const onCluster =
    <R extends { resourceArn: string; secretArn: string }>(
      schema: z.ZodType<R>,
      operation: (context: DataApiContext, request: R) => Promise<unknown>,
    ): OperationHandler =>
    (body) => {
      const request = parseRequestBody(body, schema);
      const ours = request.resourceArn === resourceArn && request.secretArn === secretArn;
      return ours ? power.serve(() => operation(context, request)) : operation(context, request);
    };
  const routes = new Map<string, OperationHandler>([
    ['/Execute', onCluster(executeStatementRequest, executeStatement)],
    ['/BatchExecute', onCluster(batchExecuteStatementRequest, batchExecuteStatement)],
    ['/BeginTransaction', onCluster(beginTransactionRequest, beginTransaction)],
    ['/CommitTransaction', onCluster(endTransactionRequest, commitTransaction)],
    ['/RollbackTransaction', onCluster(endTransactionRequest, rollbackTransaction)],
    [
      RELEASE_DATABASE_PATH,
      async (body) => {
        await releaseDatabase(parseRequestBody(body, z.object({ database: z.string() })).database);
        return {};
      },
    ],
  ]);
  const server = createDataApiHttpServer(routes, limits.maxRequestBytes);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    resourceArn,
    secretArn,
    releaseDatabase,
    state: () => power.state(),
    close: async () => {
      power.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await transactions.closeAll();
      await pools.closeAll();
    },
  };
}

function assertPositive(settings: AutoPauseSettings): AutoPauseSettings {
  for (const [name, value] of Object.entries(settings)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new Error(`autoPause.${name} must be a positive number of milliseconds, got ${value}`);
    }
  }
  return settings;
}
