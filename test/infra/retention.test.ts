import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { onlyResourceOf, resourceOf, resourcesOf, synthJournal } from './journal-synth.ts';

// What a deleted (or rolled-back-on-create) stack leaves behind, per stage. Outside dev nothing that
// holds data or evidence goes with the stack: the cluster leaves a snapshot, and the secret that
// opens it, the queues with their undelivered messages, and every log group stay.

function deletionPolicies(props: Parameters<typeof synthJournal>[0]) {
  const { template, service } = synthJournal(props);
  const [, secret] = onlyResourceOf(template, 'AWS::SecretsManager::Secret');
  const [, cluster] = onlyResourceOf(template, 'AWS::RDS::DBCluster');
  const queues = Object.values(resourcesOf(template, 'AWS::SQS::Queue'));
  const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
  return {
    cluster: cluster.DeletionPolicy,
    secret: [secret.DeletionPolicy, secret.UpdateReplacePolicy],
    queues: queues.map((queue) => [queue.DeletionPolicy, queue.UpdateReplacePolicy]),
    ingestQueues: [service.ingest.queue, service.ingest.deadLetterQueue].map(
      (queue) => resourceOf(template, 'AWS::SQS::Queue', queue).DeletionPolicy,
    ),
    maintenanceDeadLetterQueue: resourceOf(template, 'AWS::SQS::Queue', service.maintenance.deadLetterQueue)
      .DeletionPolicy,
    logGroups: Object.fromEntries(Object.entries(logGroups).map(([id, group]) => [id, group.DeletionPolicy])),
  };
}

describe('retention outside dev', () => {
  const policies = deletionPolicies({});

  it('snapshots the cluster and retains the secret that opens the snapshot', () => {
    expect(policies.cluster).toBe('Snapshot');
    expect(policies.secret).toEqual(['Retain', 'Retain']);
  });

  it('retains the ingest queue, its dead-letter queue and the maintenance dead-letter queue', () => {
    expect(policies.ingestQueues).toEqual(['Retain', 'Retain']);
    expect(policies.maintenanceDeadLetterQueue).toBe('Retain');
    expect(policies.queues).toHaveLength(3);
    for (const queue of policies.queues) expect(queue).toEqual(['Retain', 'Retain']);
  });

  it('retains every log group, the VPC flow logs included', () => {
    const groups = Object.entries(policies.logGroups);
    expect(groups.map(([id]) => id)).toContainEqual(expect.stringMatching(/FlowLogs/));
    for (const [id, policy] of groups) expect([id, policy]).toEqual([id, 'Retain']);
  });

  it('retains the secret of a cluster that is retained instead of snapshotted', () => {
    const retained = deletionPolicies({ database: { removalPolicy: RemovalPolicy.RETAIN } });
    expect(retained.cluster).toBe('Retain');
    expect(retained.secret).toEqual(['Retain', 'Retain']);
  });
});

describe('retention in dev (a throw-away stack)', () => {
  const policies = deletionPolicies({ dev: true });

  it('deletes the cluster, its secret, the queues and the log groups with the stack', () => {
    expect(policies.cluster).toBe('Delete');
    expect(policies.secret).toEqual(['Delete', 'Delete']);
    for (const queue of policies.queues) expect(queue).toEqual(['Delete', 'Delete']);
    for (const [id, policy] of Object.entries(policies.logGroups))
      expect([id, policy]).toEqual([id, 'Delete']);
  });

  it('retains the secret when a dev stack asks to snapshot its cluster', () => {
    const snapshotted = deletionPolicies({ dev: true, database: { removalPolicy: RemovalPolicy.SNAPSHOT } });
    expect(snapshotted.cluster).toBe('Snapshot');
    expect(snapshotted.secret).toEqual(['Retain', 'Retain']);
  });
});
