import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { DataApiSqlClient } from '../../lib/db/data-api-sql-client.ts';
import { applyMigrations } from '../../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import { startLocalDataApi } from '../../local/data-api/start-local-data-api.ts';
import { startEmbeddedPostgres } from '../../local/embedded-postgres.ts';
import { synthesize } from '../../local/template/synthesize.ts';
import { type ProvidedOidcIssuer, startTestIssuerAndSynth, synthCognitoStage } from './jwt-stack.ts';
import { localDataApiClient } from './test-database.ts';
import { synthesizeVariant, TEST_VARIANT } from './variant-synthesis.ts';

export const TEMPLATE_DATABASE = 'hive_journal_template';
const REPO = fileURLToPath(new URL('../../', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (no database) of the PostgreSQL the tests use. */
    postgresServerUrl: string;
    /** Database holding the migrated schema; tests clone it (CREATE DATABASE ... TEMPLATE). */
    templateDatabase: string;
    /** Endpoint of the local RDS Data API (endpoint override for RDSDataClient). */
    dataApiEndpoint: string;
    /** resourceArn the local Data API accepts. */
    resourceArn: string;
    /** secretArn the local Data API accepts. */
    secretArn: string;
    /** The cloud assembly of `cdk synth` (dev stage) that template-stack tests run. */
    assemblyDir: string;
    /** The assembly of test/support/variant-app.ts with TEST_VARIANT's settings. */
    variantAssemblyDir: string;
    /** The dev stage synthesized with auth=jwt, trusting oidcIssuer. */
    jwtAssemblyDir: string;
    /** The dev stage synthesized with auth=cognito (TEST_USER_POOL_ID). */
    cognitoAssemblyDir: string;
    /** The OIDC issuer of the jwt stage (test/support/jwt-stack.ts). */
    oidcIssuer: ProvidedOidcIssuer;
  }
}

/**
 * Starts one real PostgreSQL for the whole run (or uses DATABASE_URL's server when set), creates the
 * migrated template database that every test database is cloned from, and starts the local RDS Data
 * API in front of that server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = [];
  // The dev stage as `npm start` synthesizes it, cached by its inputs like npm start's.
  const synthesis = synthesize({
    projectRoot: REPO,
    outDir: join(REPO, '.hive-journal', 'cdk.out', 'test-dev'),
    context: { stage: 'dev' },
  });
  // Awaited below; until then a failure must not count as unhandled.
  synthesis.catch(() => {});
  const variantSynthesis = synthesizeVariant(TEST_VARIANT);
  variantSynthesis.catch(() => {});
  const jwt = await startTestIssuerAndSynth();
  cleanups.push(() => jwt.issuer.stop());
  jwt.assemblyDir.catch(() => {});
  const cognitoSynthesis = synthCognitoStage();
  cognitoSynthesis.catch(() => {});
  let serverUrl: string;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '';
    serverUrl = url.toString().replace(/\/$/, '');
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'hive-journal-test-pg-'));
    const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
    serverUrl = postgres.serverUrl;
    cleanups.push(async () => {
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
  }
  await recreateDatabase(serverUrl, TEMPLATE_DATABASE);
  project.provide('postgresServerUrl', serverUrl);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  const dataApi = await startLocalDataApi({ serverUrl });
  cleanups.push(() => dataApi.close());
  // The template is migrated through the production path (Data API adapter -> local endpoint), then
  // its pool is released: PostgreSQL clones a template only while nobody is connected to it.
  const client = localDataApiClient(dataApi.endpoint);
  const sql = new DataApiSqlClient(client, {
    resourceArn: dataApi.resourceArn,
    secretArn: dataApi.secretArn,
    database: TEMPLATE_DATABASE,
  });
  await applyMigrations(sql, await readMigrationFiles());
  client.destroy();
  await dataApi.releaseDatabase(TEMPLATE_DATABASE);
  project.provide('dataApiEndpoint', dataApi.endpoint);
  project.provide('resourceArn', dataApi.resourceArn);
  project.provide('secretArn', dataApi.secretArn);
  project.provide('assemblyDir', (await synthesis).assemblyDir);
  project.provide('variantAssemblyDir', await variantSynthesis);
  project.provide('jwtAssemblyDir', await jwt.assemblyDir);
  project.provide('oidcIssuer', jwt.provided);
  project.provide('cognitoAssemblyDir', await cognitoSynthesis);
  return async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
}

async function recreateDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}
