import * as z from 'zod/mini';

/**
 * Where the Data API statements go, from the environment the CDK stack sets on each function. No
 * defaults: a function without them fails at cold start with a message naming what is missing. The
 * endpoint itself is the SDK's (AWS_ENDPOINT_URL_RDS_DATA overrides it, as the local stack does).
 */
export const DataApiEnv = z.object({
  JOURNAL_CLUSTER_ARN: z.string().check(z.regex(/^arn:aws[\w-]*:rds:/, 'must be an Aurora cluster ARN')),
  JOURNAL_SECRET_ARN: z
    .string()
    .check(z.regex(/^arn:aws[\w-]*:secretsmanager:/, 'must be a Secrets Manager secret ARN')),
  JOURNAL_DATABASE: z.string().check(z.minLength(1, 'must name the database')),
});

export type DataApiEnv = z.infer<typeof DataApiEnv>;
