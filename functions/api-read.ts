import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsQueueDepth } from '../lib/adapters/sqs-queue-depth.ts';
import { apiFunction } from '../lib/api/api-function.ts';
import { readRoutes } from '../lib/api/api-routes.ts';
import { ApiReadEnv } from '../lib/config/api-config.ts';
import { logger, tracer } from '../lib/observability/powertools.ts';

// A scrape waits for the dead-letter depths: at most two attempts of 2 s (the SDK's default is three).
const sqs = tracer.captureAWSv3Client(
  new SQSClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } }),
);

// GET routes: journal pages, runs, captures list, /metrics (with the dead-letter queues' depth),
// /health, the OpenAPI document.
export const handler = apiFunction(readRoutes, {
  env: ApiReadEnv,
  deps: (config) => ({
    links: config.links,
    deadLetterQueues: {
      depth: sqsQueueDepth(sqs),
      urls: config.deadLetterQueueUrls,
      onReadError: (queue, error) =>
        logger.warn('Dead-letter queue depth not read; /metrics answers without it', { queue, error }),
    },
  }),
});
