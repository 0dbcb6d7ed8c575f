import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

// The one place Powertools is configured. Service name, log level and metrics namespace come from
// the standard Powertools environment variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL,
// POWERTOOLS_METRICS_NAMESPACE) that the CDK construct sets on every function.
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'hive-journal';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'HiveJournal',
});
export const tracer = new Tracer({ serviceName });
