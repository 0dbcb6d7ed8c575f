import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { DataApiEnv } from '../config/data-api-config.ts';
import { remainingInvocationMs } from '../observability/invocation-deadline.ts';
import { logger, metrics, tracer } from '../observability/powertools.ts';
import { DataApiSqlClient } from './data-api-sql-client.ts';

/**
 * Time kept back from the invocation's budget when deciding whether to wait for a resuming
 * cluster: the statement itself, and the answer after it (API Gateway's 503, the batch response).
 */
const RESERVE_MS = 2_000;

/**
 * The Data API client of a function (built once at cold start): traced, and riding out a resuming
 * or briefly unavailable cluster within the invocation's remaining time. An episode's retries are
 * counted (metric DataApiTransientRetries); it is logged once when it starts and once when it ends.
 */
export function lambdaSqlClient(config: DataApiEnv): DataApiSqlClient {
  return new DataApiSqlClient(
    tracer.captureAWSv3Client(new RDSDataClient({})),
    {
      resourceArn: config.JOURNAL_CLUSTER_ARN,
      secretArn: config.JOURNAL_SECRET_ARN,
      database: config.JOURNAL_DATABASE,
    },
    {
      retry: {
        remainingMs: () => remainingInvocationMs(RESERVE_MS),
        onEpisodeStart: (error) =>
          logger.warn('The database is not available; retrying within the time left', {
            errorName: error.name,
            remainingMs: remainingInvocationMs(RESERVE_MS),
          }),
        onEpisodeEnd: (episode) => {
          if (episode.recovered) logger.info('The database answered again', { ...episode });
          else logger.error('Gave up waiting for the database', { ...episode });
          // Published here, not by a middleware: every function has this client, not all emit metrics.
          metrics.addMetric('DataApiTransientRetries', 'Count', episode.retries);
          metrics.publishStoredMetrics();
        },
      },
    },
  );
}
