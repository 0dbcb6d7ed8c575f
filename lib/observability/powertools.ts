import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './logger.ts';

// The one place Powertools is configured. Service name, log level and metrics namespace come from
// the standard Powertools environment variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL,
// POWERTOOLS_METRICS_NAMESPACE) that the CDK construct sets on every function. The logger is in
// logger.ts, for the functions that need nothing else.
export { logger } from './logger.ts';
export const metrics = new Metrics({
  serviceName: SERVICE_NAME,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'HiveJournal',
});
export const tracer = new Tracer({ serviceName: SERVICE_NAME });
