import { Logger } from '@aws-lambda-powertools/logger';

/** The Powertools service name of every function (the CDK construct sets POWERTOOLS_SERVICE_NAME). */
export const SERVICE_NAME = process.env.POWERTOOLS_SERVICE_NAME ?? 'hive-journal';

// Apart from powertools.ts so that a function that only logs (the authorizer) does not load the
// Tracer's X-Ray SDK and the Metrics client at cold start: bundled, an import is evaluated whether
// or not its export is used.
export const logger = new Logger({ serviceName: SERVICE_NAME });
