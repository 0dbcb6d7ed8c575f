/** One import, as a function makes it: a tiny entry that imports it and does what we do at init. */
export interface ImportProbe {
  /** The package (or lib/ file) imported. */
  readonly module: string;
  /** What the entry does with it. */
  readonly what: string;
  /** What a bundle's metafile input path holds when the bundle carries this module. */
  readonly marker: string;
  readonly source: string;
}

/**
 * What cold-start.ts times alone, each in a fresh process: the packages the functions load at init,
 * and our own modules that do work there. Alone, a module also pays for the Node built-ins it is the
 * first to load (crypto, http, async_hooks), so the figures overlap and do not add up to a function's.
 */
export const IMPORT_PROBES: readonly ImportProbe[] = [
  {
    module: '@aws-sdk/client-rds-data',
    what: 'new RDSDataClient({}) (external: loaded from node_modules, standing in for the runtime SDK)',
    marker: '@aws-sdk/client-rds-data',
    source:
      "import { RDSDataClient } from '@aws-sdk/client-rds-data'; export const client = new RDSDataClient({});",
  },
  {
    module: '@aws-lambda-powertools/tracer',
    what: 'new Tracer() with tracing active, captureLambdaHandler',
    marker: 'node_modules/@aws-lambda-powertools/tracer/',
    source: `import { Tracer } from '@aws-lambda-powertools/tracer';
      import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
      export const tracer = new Tracer({ serviceName: 'probe' });
      export const middleware = captureLambdaHandler(tracer);`,
  },
  {
    module: 'aws-xray-sdk-core',
    what: "the Tracer's X-Ray SDK alone (with semver and cls-hooked)",
    marker: 'node_modules/aws-xray-sdk-core/',
    source: "import xray from 'aws-xray-sdk-core'; export const sdk = xray;",
  },
  {
    module: '@aws-lambda-powertools/logger',
    what: 'new Logger(), injectLambdaContext',
    marker: 'node_modules/@aws-lambda-powertools/logger/',
    source: `import { Logger } from '@aws-lambda-powertools/logger';
      import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
      export const logger = new Logger({ serviceName: 'probe' });
      export const middleware = injectLambdaContext(logger);`,
  },
  {
    module: '@aws-lambda-powertools/metrics',
    what: 'new Metrics(), logMetrics',
    marker: 'node_modules/@aws-lambda-powertools/metrics/',
    source: `import { Metrics } from '@aws-lambda-powertools/metrics';
      import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
      export const metrics = new Metrics({ serviceName: 'probe', namespace: 'Probe' });
      export const middleware = logMetrics(metrics);`,
  },
  {
    module: '@aws-lambda-powertools/batch',
    what: 'BatchProcessor, processPartialResponse',
    marker: 'node_modules/@aws-lambda-powertools/batch/',
    source:
      "export { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';",
  },
  {
    module: '@middy/core',
    what: 'middy(handler)',
    marker: 'node_modules/@middy/core/',
    source: "import middy from '@middy/core'; export const handler = middy(async () => 1);",
  },
  {
    module: 'zod',
    what: 'a three-variable env schema, parsed (classic API)',
    marker: 'node_modules/zod/v4/classic/',
    source: `import * as z from 'zod';
      export const env = z.object({ A: z.string().regex(/^arn:/), B: z.string().min(1), C: z.coerce.number().int().default(1) })
        .parse({ A: 'arn:x', B: 'b' });`,
  },
  {
    module: 'zod/mini',
    what: 'the same schema, parsed (zod/mini)',
    marker: 'node_modules/zod/v4/mini/',
    source: `import * as z from 'zod/mini';
      export const env = z.object({ A: z.string().check(z.regex(/^arn:/)), B: z.string().check(z.minLength(1)),
        C: z._default(z.coerce.number().check(z.int()), 1) }).parse({ A: 'arn:x', B: 'b' });`,
  },
  {
    module: 'aws-jwt-verify',
    what: 'JwtVerifier, SimpleJwksCache',
    marker: 'node_modules/aws-jwt-verify/',
    source: `export { JwtVerifier } from 'aws-jwt-verify';
      export { SimpleJwksCache } from 'aws-jwt-verify/jwk';`,
  },
  {
    module: 'lib/config/data-api-config.ts',
    what: 'our config parsing: parseEnv(DataApiEnv, process.env)',
    marker: 'lib/config/data-api-config.ts',
    source: `import { DataApiEnv } from './lib/config/data-api-config.ts';
      import { parseEnv } from './lib/config/parse-env.ts';
      export const config = parseEnv(DataApiEnv, process.env);`,
  },
  {
    module: 'lib/observability/powertools.ts',
    what: 'logger, metrics and tracer, as configured for the functions',
    marker: 'lib/observability/powertools.ts',
    source: "export * from './lib/observability/powertools.ts';",
  },
  {
    module: 'lib/journal/event-schema.ts',
    what: "the journal's event schemas (zod)",
    marker: 'lib/journal/event-schema.ts',
    source: "export * from './lib/journal/event-schema.ts';",
  },
  {
    module: 'lib/api/api-routes.ts',
    what: "the API's route tables and their schemas (no SDK)",
    marker: 'lib/api/api-routes.ts',
    source: "export * from './lib/api/api-routes.ts';",
  },
];
