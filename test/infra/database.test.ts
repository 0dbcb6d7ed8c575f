import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  journalInStack,
  logicalIdOf,
  onlyResourceOf,
  render,
  resourcesOf,
  type SynthesizedJournal,
  synthJournal,
} from './journal-synth.ts';

describe('journal database (production defaults)', () => {
  let journal: SynthesizedJournal;
  beforeAll(() => {
    journal = synthJournal();
  });

  test('is Aurora PostgreSQL 17.9 with the Data API enabled', () => {
    journal.template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '17.9',
      EnableHttpEndpoint: true,
      DatabaseName: 'hive_journal',
    });
  });

  test('runs Serverless v2 from 0.5 to 4 ACU on a serverless writer', () => {
    journal.template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
    });
    journal.template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.serverless',
      Engine: 'aurora-postgresql',
      PubliclyAccessible: false,
    });
  });

  test('encrypts storage, protects against deletion and keeps a snapshot when removed', () => {
    const [, cluster] = onlyResourceOf(journal.template, 'AWS::RDS::DBCluster');

    expect(cluster.Properties).toMatchObject({ StorageEncrypted: true, DeletionProtection: true });
    expect(cluster.Properties.BackupRetentionPeriod).toBe(7);
    expect(cluster.DeletionPolicy).toBe('Snapshot');
    expect(cluster.UpdateReplacePolicy).toBe('Snapshot');
  });

  test('takes its master password from a generated Secrets Manager secret', () => {
    const [secretId] = onlyResourceOf(journal.template, 'AWS::SecretsManager::Secret');
    const [, cluster] = onlyResourceOf(journal.template, 'AWS::RDS::DBCluster');

    journal.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }),
    });
    expect(render(cluster.Properties.MasterUserPassword)).toBe(
      `{{resolve:secretsmanager:\${${secretId}}:SecretString:password::}}`,
    );
  });

  test('rotates the credentials every 30 days, from inside the isolated subnets', () => {
    journal.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
    const [endpointId] = onlyResourceOf(journal.template, 'AWS::EC2::VPCEndpoint');
    const [, endpoint] = onlyResourceOf(journal.template, 'AWS::EC2::VPCEndpoint');
    expect(render(endpoint.Properties.ServiceName)).toMatch(/^com\.amazonaws\..*\.secretsmanager$/);
    expect(endpoint.Properties).toMatchObject({ PrivateDnsEnabled: true, VpcEndpointType: 'Interface' });
    const [, rotation] = onlyResourceOf(journal.template, 'AWS::Serverless::Application');
    expect(render((rotation.Properties.Parameters as Record<string, unknown>).endpoint)).toContain(
      `\${${endpointId}}.secretsmanager.`,
    );
  });

  test('lives in private isolated subnets: no internet or NAT gateway in the VPC', () => {
    expect(resourcesOf(journal.template, 'AWS::EC2::InternetGateway')).toEqual({});
    expect(resourcesOf(journal.template, 'AWS::EC2::NatGateway')).toEqual({});
    expect(resourcesOf(journal.template, 'AWS::EC2::Route')).toEqual({});
    const subnets = resourcesOf(journal.template, 'AWS::EC2::Subnet');
    expect(Object.keys(subnets)).toHaveLength(2);
    for (const subnet of Object.values(subnets)) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    const [, subnetGroup] = onlyResourceOf(journal.template, 'AWS::RDS::DBSubnetGroup');
    expect((subnetGroup.Properties.SubnetIds as unknown[]).map(render).sort()).toEqual(
      Object.keys(subnets)
        .map((id) => `\${${id}}`)
        .sort(),
    );
  });

  test('admits no connection to the cluster but the rotation function', () => {
    const clusterSg = logicalIdOf(journal.service.database.cluster.connections.securityGroups[0] as never);
    const ingress = Object.values(resourcesOf(journal.template, 'AWS::EC2::SecurityGroupIngress')).filter(
      (rule) => render(rule.Properties.GroupId) === `\${${clusterSg}.GroupId}`,
    );

    expect(ingress).toHaveLength(1);
    expect(render(ingress[0]?.Properties.SourceSecurityGroupId)).toMatch(/RotationSingleUserSecurityGroup/);
    journal.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Cluster'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('logs rejected VPC traffic', () => {
    journal.template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });
});

describe('journal database clients', () => {
  test('admit a PostgreSQL client (Grafana) on the cluster port when asked', () => {
    const { stack, service } = journalInStack();
    const grafana = new SecurityGroup(stack, 'Grafana', { vpc: service.database.vpc });

    service.database.allowSqlClient(grafana);

    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: { 'Fn::GetAtt': [logicalIdOf(service.database.cluster), 'Endpoint.Port'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(grafana), 'GroupId'] },
    });
  });
});

describe('journal database (dev)', () => {
  test('turns deletion protection and snapshots off, and pauses when idle with min 0 ACU', () => {
    const { template } = synthJournal({ dev: true, database: { minCapacity: 0, maxCapacity: 2 } });
    const [, cluster] = onlyResourceOf(template, 'AWS::RDS::DBCluster');

    expect(cluster.Properties).toMatchObject({
      DeletionProtection: false,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 600 },
    });
    expect(cluster.DeletionPolicy).toBe('Delete');
  });

  test('takes the deletion protection and removal policy from props when given', () => {
    const { template } = synthJournal({
      dev: true,
      database: { deletionProtection: true, backupRetention: Duration.days(14) },
    });

    template.hasResourceProperties('AWS::RDS::DBCluster', {
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
    });
  });
});

describe('the cdk-nag reasons of the cluster (RDS6, RDS11) describe the template', () => {
  const { stack, service } = journalInStack();
  const grafana = new SecurityGroup(stack, 'Grafana', { vpc: service.database.vpc });
  service.database.allowSqlClient(grafana);
  const template = Template.fromStack(stack);
  const clusterGroup = template.toJSON().Resources[logicalIdOf(service.database.cluster)].Properties
    .VpcSecurityGroupIds as Array<{ 'Fn::GetAtt': [string, string] }>;
  const clusterGroupIds = clusterGroup.map((ref) => ref['Fn::GetAtt'][0]);
  const ingressToCluster = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')).filter(
    (rule) =>
      clusterGroupIds.includes(
        (rule.Properties.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] ?? '',
      ),
  );

  test('RDS6: no role may rds-db:connect; the functions hold Data API grants instead', () => {
    const statements = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'));
    expect(statements).not.toContain('rds-db:connect');
    expect(statements).toContain('rds-data:ExecuteStatement');
  });

  test('RDS11: the cluster admits its port only from security groups (the rotation function and allowSqlClient)', () => {
    const sources = ingressToCluster.map((rule) => {
      expect(rule.Properties).not.toHaveProperty('CidrIp');
      expect(rule.Properties.FromPort).toEqual({
        'Fn::GetAtt': [logicalIdOf(service.database.cluster), 'Endpoint.Port'],
      });
      return render(rule.Properties.SourceSecurityGroupId);
    });

    expect(sources).toHaveLength(2);
    expect(sources).toContain(`\${${logicalIdOf(grafana)}.GroupId}`);
    expect(sources).toContainEqual(expect.stringMatching(/RotationSingleUserSecurityGroup.*\.GroupId/));
    const inlineIngress = clusterGroupIds.map(
      (id) => template.toJSON().Resources[id].Properties.SecurityGroupIngress as unknown,
    );
    expect(inlineIngress).toEqual(clusterGroupIds.map(() => undefined));
  });

  test('RDS11: the cluster sits in isolated subnets: no internet gateway, no NAT', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::EC2::InternetGateway'))).toEqual([]);
    expect(Object.keys(resourcesOf(template, 'AWS::EC2::NatGateway'))).toEqual([]);
  });
});
