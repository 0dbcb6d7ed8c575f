import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { JournalEntry, JournalFunction } from '../../infra/journal-function.ts';
import {
  environmentOf,
  logicalIdOf,
  render,
  resourceOf,
  resourcesOf,
  type SynthesizedJournal,
  synthJournal,
} from './journal-synth.ts';

describe('journal functions', () => {
  let journal: SynthesizedJournal;
  // The authorizer function exists only under the jwt authorization: test/infra/api-jwt.test.ts.
  let functions: Record<Exclude<JournalEntry, 'authorizer'>, JournalFunction>;
  beforeAll(() => {
    journal = synthJournal();
    const { ingest, migrations, api, maintenance } = journal.service;
    functions = {
      ingest: ingest.function,
      migrate: migrations.function,
      'api-read': api.readFunction,
      'api-write': api.writeFunction,
      maintenance: maintenance.function,
    };
  });

  const propertiesOf = (fn: JournalFunction) =>
    resourcesOf(journal.template, 'AWS::Lambda::Function')[logicalIdOf(fn)]?.Properties ?? {};

  test('run ESM bundles on nodejs24.x, arm64, with X-Ray active tracing', () => {
    for (const [entry, fn] of Object.entries(functions)) {
      expect(propertiesOf(fn), entry).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  test('configure Powertools through the environment, each with its own service name', () => {
    for (const [entry, fn] of Object.entries(functions)) {
      const variables = (propertiesOf(fn).Environment as { Variables: Record<string, unknown> }).Variables;

      expect(variables, entry).toMatchObject({
        POWERTOOLS_SERVICE_NAME: `hive-journal-${entry}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'HiveJournal',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  test('point every function at the cluster, its secret and the database through the Data API', () => {
    const cluster = logicalIdOf(journal.service.database.cluster);
    for (const [entry, fn] of Object.entries(functions)) {
      const variables = (propertiesOf(fn).Environment as { Variables: Record<string, unknown> }).Variables;

      expect(render(variables.JOURNAL_CLUSTER_ARN), entry).toMatch(
        new RegExp(`:cluster:\\$\\{${cluster}\\}$`),
      );
      expect(render(variables.JOURNAL_SECRET_ARN), entry).toMatch(
        /^\$\{JournalDatabaseClusterSecretAttachment/,
      );
      expect(variables.JOURNAL_DATABASE, entry).toBe('hive_journal');
    }
  });

  test('log to a group of their own, kept 30 days', () => {
    const groups = resourcesOf(journal.template, 'AWS::Logs::LogGroup');
    for (const [entry, fn] of Object.entries(functions)) {
      const logGroup = (propertiesOf(fn).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;

      expect(groups[logGroup]?.Properties.RetentionInDays, entry).toBe(30);
      expect(groups[logGroup]?.DeletionPolicy, entry).toBe('Retain');
    }
  });

  test('have the timeouts their work needs: ingest 30 s, API 20/28 s, maintenance 5 min, migrate 10 min', () => {
    expect(propertiesOf(functions.ingest).Timeout).toBe(30);
    expect(propertiesOf(functions['api-read']).Timeout).toBe(20);
    expect(propertiesOf(functions['api-write']).Timeout).toBe(28);
    expect(propertiesOf(functions.maintenance).Timeout).toBe(300);
    expect(propertiesOf(functions.migrate).Timeout).toBe(600);
  });

  test('run no function in the VPC: the Data API is their only way to the database', () => {
    for (const [entry, fn] of Object.entries(functions))
      expect(propertiesOf(fn).VpcConfig, entry).toBeUndefined();
  });
});

describe('journal functions (props)', () => {
  test('take the service name, namespace, log level and retention from props', () => {
    const { template, service } = synthJournal({
      serviceName: 'journal-eu',
      metricsNamespace: 'Journal/EU',
      logLevel: 'DEBUG',
      logRetention: RetentionDays.ONE_WEEK,
      dev: true,
    });
    const fn = resourceOf(template, 'AWS::Lambda::Function', service.ingest.function);
    const variables = environmentOf(template, service.ingest.function);
    const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const group = resourcesOf(template, 'AWS::Logs::LogGroup')[logGroup];

    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'journal-eu-ingest',
      POWERTOOLS_METRICS_NAMESPACE: 'Journal/EU',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
    expect(group?.Properties.RetentionInDays).toBe(7);
    expect(group?.DeletionPolicy).toBe('Delete');
  });
});
