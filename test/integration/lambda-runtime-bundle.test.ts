import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { LocalFunction } from '../../local/lambda-runtime/local-function.ts';
import { readAssemblyStack } from '../../local/template/cloud-assembly.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// The api-read bundle as `cdk synth` made it (the test run's synthesis, global setup), run by the
// local runtime against the local Data API: it loads with only what nodejs24.x gives it, reads the
// migrations bundled beside it through JOURNAL_MIGRATIONS_DIR=/var/task/migrations, and answers.

let db: TestDatabase;
let fn: LocalFunction;
const logs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const stack = await readAssemblyStack(inject('assemblyDir'));
  const [logicalId, resource] = Object.entries(stack.template.Resources).find(
    ([id, candidate]) => candidate.Type === 'AWS::Lambda::Function' && id.startsWith('JournalApiRead'),
  ) ?? [undefined, undefined];
  if (!logicalId || !resource) throw new Error('the synthesized template has no api-read function');
  const properties = resource.Properties as {
    Handler: string;
    Runtime: string;
    Timeout: number;
    MemorySize: number;
    Environment: { Variables: Record<string, unknown> };
  };
  // The template's literal variables as they are; the resolved ones (cluster and secret) are the
  // local Data API's, as the local stack resolves them.
  const literal = Object.entries(properties.Environment.Variables).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  fn = new LocalFunction(
    {
      logicalId,
      functionName: 'hive-journal-api-read',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:hive-journal-api-read',
      codeDir: stack.assetDirOf(logicalId) as string,
      handler: properties.Handler,
      runtime: properties.Runtime,
      environment: {
        ...Object.fromEntries(literal),
        JOURNAL_CLUSTER_ARN: inject('resourceArn'),
        JOURNAL_SECRET_ARN: inject('secretArn'),
        JOURNAL_DATABASE: db.name,
        AWS_ENDPOINT_URL_RDS_DATA: inject('dataApiEndpoint'),
        // the dead-letter queues are Refs in the template; these tests never scrape /metrics
        JOURNAL_INGEST_DLQ_URL: 'http://127.0.0.1:9/000000000000/ingest-dlq',
        JOURNAL_MAINTENANCE_DLQ_URL: 'http://127.0.0.1:9/000000000000/maintenance-dlq',
      },
      timeoutSeconds: properties.Timeout,
      memorySizeMb: properties.MemorySize,
      region: 'us-east-1',
      accountId: '000000000000',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    },
    { log: (line) => logs.push(line) },
  );
});

afterAll(async () => {
  await fn?.close();
  await db?.drop();
});

test('the synthesized api-read bundle answers GET /health/ready from its bundled migrations', async () => {
  const result = await fn.invoke(apiGatewayEvent({ path: '/health/ready' }));

  expect(result, logs.join('\n')).toMatchObject({ kind: 'returned', payload: { statusCode: 200 } });
  const body = JSON.parse((result as { payload: { body: string } }).payload.body);
  expect(body).toMatchObject({
    status: 'ok',
    checks: { database: { status: 'ok' }, migrations: { status: 'ok', pending: [] } },
  });
});
