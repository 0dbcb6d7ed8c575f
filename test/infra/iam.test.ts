import { beforeAll, describe, expect, test } from 'vitest';
import {
  actionsOf,
  logicalIdOf,
  type PolicyStatement,
  render,
  resourcesIn,
  resourcesOf,
  roleIdOf,
  type SynthesizedJournal,
  statementsByRole,
  synthJournal,
} from './journal-synth.ts';

const DATA_API_ACTIONS = [
  'rds-data:BatchExecuteStatement',
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:ExecuteStatement',
  'rds-data:RollbackTransaction',
];

describe('least privilege', () => {
  let journal: SynthesizedJournal;
  let statements: Map<string, PolicyStatement[]>;
  let functionRoles: string[];
  beforeAll(() => {
    journal = synthJournal();
    statements = statementsByRole(journal.template);
    const { ingest, migrations, api, maintenance } = journal.service;
    functionRoles = [
      ingest.function,
      migrations.function,
      api.readFunction,
      api.writeFunction,
      maintenance.function,
    ]
      .map(roleIdOf)
      .sort();
  });

  const allowing = (predicate: (action: string) => boolean) =>
    [...statements.entries()].flatMap(([role, list]) =>
      list
        .filter((s) => s.Effect === 'Allow' && actionsOf(s).some(predicate))
        .map((s) => ({ role, statement: s })),
    );

  test('grants "*" resources only for X-Ray, which has no resource-level permissions', () => {
    const wildcards = allowing(() => true).filter(({ statement }) => resourcesIn(statement).includes('*'));

    expect(wildcards.length).toBeGreaterThan(0);
    for (const { statement } of wildcards) {
      expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  test("ends no other resource in a wildcard but a function ARN's versions (<arn>:*)", () => {
    for (const { role, statement } of allowing(() => true)) {
      for (const resource of resourcesIn(statement).filter((r) => r !== '*' && r.includes('*'))) {
        expect(resource, role).toMatch(/^\$\{[A-Za-z0-9]+Function[0-9A-F]+\.Arn\}:\*$/);
        expect(actionsOf(statement), role).toEqual(['lambda:InvokeFunction']);
      }
    }
  });

  test('lets exactly the five journal functions use the Data API, on this cluster only', () => {
    const cluster = logicalIdOf(journal.service.database.cluster);
    const grants = allowing((action) => action.startsWith('rds-data:'));

    expect(grants.map(({ role }) => role).sort()).toEqual(functionRoles);
    for (const { statement } of grants) {
      expect(actionsOf(statement).sort()).toEqual(DATA_API_ACTIONS);
      expect(resourcesIn(statement)).toEqual([
        `arn:\${AWS::Partition}:rds:\${AWS::Region}:\${AWS::AccountId}:cluster:\${${cluster}}`,
      ]);
    }
  });

  test('lets exactly the five journal functions read the database secret, and only that secret', () => {
    const secret = logicalIdOf(
      journal.service.database.cluster.node.findChild('Secret').node.findChild('Attachment'),
    );
    const grants = allowing((action) => action.startsWith('secretsmanager:'));

    expect(grants.map(({ role }) => role).sort()).toEqual(functionRoles);
    for (const { statement } of grants) {
      expect(actionsOf(statement).sort()).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
      expect(resourcesIn(statement)).toEqual([`\${${secret}}`]);
    }
  });

  test('attaches no AWS managed policy to the function roles; each writes to its own log group', () => {
    const roles = resourcesOf(journal.template, 'AWS::IAM::Role');
    for (const role of functionRoles) {
      expect(roles[role]?.Properties.ManagedPolicyArns, role).toBeUndefined();
      const logs = (statements.get(role) ?? []).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('logs:')),
      );
      expect(logs.flatMap(resourcesIn), role).toEqual([
        expect.stringMatching(/^\$\{\w+Logs[0-9A-F]+\.Arn\}$/),
      ]);
    }
  });

  test('gives the API write function no SQS access and the ingest function no send rights', () => {
    const { api, ingest } = journal.service;
    const sqsActions = (role: string) =>
      (statements.get(role) ?? []).flatMap(actionsOf).filter((action) => action.startsWith('sqs:'));

    expect(sqsActions(roleIdOf(api.writeFunction))).toEqual([]);
    expect(sqsActions(roleIdOf(ingest.function))).not.toContain('sqs:SendMessage');
  });

  test('lets the API read function only read the attributes of the two dead-letter queues (their depth for /metrics)', () => {
    const { api, ingest, maintenance } = journal.service;
    const sqs = (statements.get(roleIdOf(api.readFunction)) ?? []).filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).some((action) => action.startsWith('sqs:')),
    );

    expect([...new Set(sqs.flatMap(actionsOf))]).toEqual(['sqs:GetQueueAttributes']);
    expect(sqs.flatMap(resourcesIn).sort()).toEqual(
      [
        `\${${logicalIdOf(ingest.deadLetterQueue)}.Arn}`,
        `\${${logicalIdOf(maintenance.deadLetterQueue)}.Arn}`,
      ].sort(),
    );
    expect(sqs.map((s) => s.Condition)).toEqual(sqs.map(() => undefined));
  });

  test("grants only on this stack's resources or ARNs of its own partition, region and account", () => {
    for (const { statement } of allowing(() => true)) {
      for (const resource of resourcesIn(statement).filter((r) => r !== '*')) {
        expect(render(resource)).toMatch(/^(\$\{|arn:\$\{AWS::Partition\}:)/);
      }
    }
  });
});
