import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type JournalEntry, type JournalFunction, PROJECT_ROOT } from '../../infra/journal-function.ts';
import { JournalStack } from '../../infra/journal-stack.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { CDK_CONTEXT, resourceOf } from './journal-synth.ts';

const BUDGET_BYTES = 500 * 1024;
const MIGRATIONS = readdirSync(new URL('../../migrations/', import.meta.url))
  .filter((name) => name.endsWith('.sql'))
  .sort();

/** Where each function's bundle landed in the cloud assembly. */
interface Bundle {
  readonly entry: JournalEntry;
  readonly dir: string;
  readonly code: string;
}

/**
 * Runs a bundle's handler in a Node process of its own, as Lambda would: the environment the stack
 * sets, the SDK pointed at the test run's local Data API, the bundle's own files only. (@aws-sdk
 * resolves from the repository's node_modules, standing in for the runtime's SDK.)
 */
async function invokeBundle(bundle: Bundle, database: string, event: unknown = {}): Promise<string> {
  const script = `
    const { handler } = await import(${JSON.stringify(join(bundle.dir, 'index.mjs'))});
    const context = { functionName: 'smoke', awsRequestId: 'smoke', getRemainingTimeInMillis: () => 60_000 };
    process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)}, context)));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_RDS_DATA: inject('dataApiEndpoint'),
      JOURNAL_CLUSTER_ARN: inject('resourceArn'),
      JOURNAL_SECRET_ARN: inject('secretArn'),
      JOURNAL_DATABASE: database,
      JOURNAL_MIGRATIONS_DIR: join(bundle.dir, 'migrations'),
      // the read function's dead-letter queues (the template's Refs); /health/ready never calls SQS
      JOURNAL_INGEST_DLQ_URL: 'http://127.0.0.1:9/000000000000/ingest-dlq',
      JOURNAL_MAINTENANCE_DLQ_URL: 'http://127.0.0.1:9/000000000000/maintenance-dlq',
      POWERTOOLS_SERVICE_NAME: `hive-journal-${bundle.entry}`,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  return stdout;
}

// The one synth of the suite that runs esbuild for real (local esbuild, no Docker).
describe('function bundles (real esbuild)', () => {
  let outdir: string;
  let bundles: Bundle[];
  beforeAll(() => {
    // Inside the repository (cdk.out/ is ignored), so a bundle's @aws-sdk imports resolve from its
    // node_modules as they would from the Lambda runtime's.
    const cdkOut = join(PROJECT_ROOT, 'cdk.out');
    mkdirSync(cdkOut, { recursive: true });
    outdir = mkdtempSync(join(cdkOut, 'bundling-test-'));
    const app = new App({ context: CDK_CONTEXT, outdir });
    const stack = new JournalStack(app, 'JournalBundled');
    const assembly = app.synth();
    const template = Template.fromStack(stack);
    const { ingest, migrations, api, maintenance } = stack.service;
    const entries: [JournalEntry, JournalFunction][] = [
      ['ingest', ingest.function],
      ['migrate', migrations.function],
      ['api-read', api.readFunction],
      ['api-write', api.writeFunction],
      ['maintenance', maintenance.function],
    ];
    bundles = entries.map(([entry, fn]) => {
      const key = (resourceOf(template, 'AWS::Lambda::Function', fn).Properties.Code as { S3Key: string })
        .S3Key;
      const dir = join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
      return { entry, dir, code: readFileSync(join(dir, 'index.mjs'), 'utf8') };
    });
    console.info(
      `bundle sizes (index.mjs): ${bundles.map((b) => `${b.entry} ${Math.round(statSync(join(b.dir, 'index.mjs')).size / 1024)} KB`).join(', ')}`,
    );
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('keeps each bundle within 500 KB', () => {
    for (const bundle of bundles) {
      expect(statSync(join(bundle.dir, 'index.mjs')).size, bundle.entry).toBeLessThanOrEqual(BUDGET_BYTES);
    }
  });

  test('emits ESM that defines require for CommonJS dependencies, with a linked source map', () => {
    for (const bundle of bundles) {
      expect(
        bundle.code.startsWith("import { createRequire as __journalCreateRequire } from 'node:module';"),
      ).toBe(true);
      expect(bundle.code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(statSync(join(bundle.dir, 'index.mjs.map')).isFile()).toBe(true);
    }
  });

  test("leaves only Node built-ins and the runtime's AWS SDK outside the bundle", () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    for (const bundle of bundles) {
      // an import or export-from, not the word inside a string literal ("from",...) or a property
      const imported = [...bundle.code.matchAll(/(?<![\w"'$.])(?:from|import)\s*\(?\s*"([^"]+)"/g)].map(
        (match) => match[1],
      );
      const outside = imported.filter(
        (name) => name && !builtins.has(name) && !/^@aws-sdk\/|^@smithy\//.test(name),
      );

      expect(outside, bundle.entry).toEqual([]);
      expect(imported, bundle.entry).toContain('@aws-sdk/client-rds-data');
    }
  });

  test('migrates an empty database through the Data API, from the bundle alone', async () => {
    const migrate = bundles.find((bundle) => bundle.entry === 'migrate') as Bundle;
    const db = await createTestDatabase({ empty: true });
    try {
      const report = JSON.parse(await invokeBundle(migrate, db.name)) as { applied: string[] };

      expect(report.applied).toHaveLength(MIGRATIONS.length);
    } finally {
      await db.drop();
    }
  });

  test('answers /health/ready from the read bundle: the bundled migrations are the applied ones', async () => {
    const read = bundles.find((bundle) => bundle.entry === 'api-read') as Bundle;
    const db = await createTestDatabase();
    try {
      const response = JSON.parse(
        await invokeBundle(read, db.name, apiGatewayEvent({ method: 'GET', path: '/health/ready' })),
      ) as { statusCode: number; body: string };

      expect(response.statusCode, response.body).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({
        checks: { migrations: { status: 'ok', pending: [] } },
      });
    } finally {
      await db.drop();
    }
  });

  test('carries the migration files in the migrate and read API bundles', () => {
    for (const bundle of bundles.filter((b) => b.entry === 'migrate' || b.entry === 'api-read')) {
      const copied = readdirSync(join(bundle.dir, 'migrations')).sort();

      expect(copied, bundle.entry).toEqual(MIGRATIONS);
      for (const name of MIGRATIONS) {
        expect(readFileSync(join(bundle.dir, 'migrations', name), 'utf8')).toBe(
          readFileSync(new URL(`../../migrations/${name}`, import.meta.url), 'utf8'),
        );
      }
    }
  });
});
