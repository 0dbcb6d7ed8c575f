import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  type IConnectable,
  type IInterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  type IVpc,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AuroraPostgresEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
  DatabaseSecret,
} from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { PropsProblems } from './props-problems.ts';

export interface JournalDatabaseOptions {
  /** Where the cluster lives (private isolated subnets). Default: a new VPC of 2 AZs, isolated subnets only. */
  readonly vpc?: IVpc;
  /** Default: hive_journal. */
  readonly databaseName?: string;
  /** Aurora PostgreSQL with the Data API: 17.4 or later. Default: 17.9. */
  readonly engineVersion?: AuroraPostgresEngineVersion;
  /** Serverless v2 minimum ACU, 0 to 256 in steps of 0.5; 0 pauses an idle cluster. Default: 0.5. */
  readonly minCapacity?: number;
  /** Serverless v2 maximum ACU, 1 to 256 in steps of 0.5. Default: 4. */
  readonly maxCapacity?: number;
  /** With minCapacity 0: idle time before the cluster pauses (5 min to 24 h). Default: 10 minutes. */
  readonly autoPauseAfter?: Duration;
  /** Default: true. Turn off for throw-away (dev) stacks. */
  readonly deletionProtection?: boolean;
  /** What happens to the cluster when it leaves the stack. Default: SNAPSHOT (DESTROY for dev). */
  readonly removalPolicy?: RemovalPolicy;
  /** Automated backups, 1 to 35 days. Default: 7 days. */
  readonly backupRetention?: Duration;
  /** Rotation period of the credentials secret (1 to 365 days). Default: 30 days. */
  readonly rotateCredentialsAfter?: Duration;
}

/** The database settings after defaults. */
export interface JournalDatabaseSettings {
  readonly vpc: IVpc | undefined;
  readonly databaseName: string;
  readonly engineVersion: AuroraPostgresEngineVersion;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly autoPauseAfter: Duration;
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly backupRetention: Duration;
  readonly rotateCredentialsAfter: Duration;
}

/** The oldest minor version of each major version of Aurora PostgreSQL that has the Data API. */
const DATA_API_MINIMUM: Readonly<Record<number, number>> = { 13: 11, 14: 8, 15: 3, 16: 1, 17: 4 };

export function resolveDatabaseSettings(
  options: JournalDatabaseOptions = {},
  problems: PropsProblems,
): JournalDatabaseSettings {
  const settings: JournalDatabaseSettings = {
    vpc: options.vpc,
    databaseName: options.databaseName ?? 'hive_journal',
    engineVersion: options.engineVersion ?? AuroraPostgresEngineVersion.VER_17_9,
    minCapacity: options.minCapacity ?? 0.5,
    maxCapacity: options.maxCapacity ?? 4,
    autoPauseAfter: options.autoPauseAfter ?? Duration.minutes(10),
    deletionProtection: options.deletionProtection ?? true,
    removalPolicy: options.removalPolicy ?? RemovalPolicy.SNAPSHOT,
    backupRetention: options.backupRetention ?? Duration.days(7),
    rotateCredentialsAfter: options.rotateCredentialsAfter ?? Duration.days(30),
  };
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(settings.databaseName)) {
    problems.add('database.databaseName', 'must be a lower-case PostgreSQL identifier (a-z, 0-9, _)');
  }
  const [major, minor] = settings.engineVersion.auroraPostgresFullVersion.split('.').map(Number);
  const minimum = DATA_API_MINIMUM[major ?? 0];
  if (minimum === undefined || (minor ?? 0) < minimum) {
    problems.add(
      'database.engineVersion',
      `must be an Aurora PostgreSQL version with the Data API (17.4 or later; got ${settings.engineVersion.auroraPostgresFullVersion})`,
    );
  }
  problems.stepped('database.minCapacity', settings.minCapacity, 0, 256, 0.5);
  problems.stepped('database.maxCapacity', settings.maxCapacity, 1, 256, 0.5);
  if (settings.minCapacity > settings.maxCapacity) {
    problems.add('database.minCapacity', `must not exceed maxCapacity (${settings.maxCapacity})`);
  }
  problems.seconds('database.autoPauseAfter', settings.autoPauseAfter, 300, 86_400);
  problems.seconds('database.backupRetention', settings.backupRetention, 86_400, 35 * 86_400);
  problems.seconds('database.rotateCredentialsAfter', settings.rotateCredentialsAfter, 86_400, 365 * 86_400);
  return settings;
}

/**
 * Aurora PostgreSQL Serverless v2 with the Data API: credentials in Secrets Manager (rotated), the
 * cluster in private isolated subnets, storage encrypted. The functions reach it only through the Data
 * API (HTTPS and IAM), so they run outside the VPC and need no route to it.
 */
export class JournalDatabase extends Construct {
  readonly vpc: IVpc;
  readonly cluster: DatabaseCluster;
  readonly secret: ISecret;
  readonly databaseName: string;
  readonly maxCapacity: number;

  /** `logRemovalPolicy`: the stage's policy for log groups (the VPC's flow logs). */
  constructor(
    scope: Construct,
    id: string,
    settings: JournalDatabaseSettings,
    logRemovalPolicy: RemovalPolicy,
  ) {
    super(scope, id);
    this.databaseName = settings.databaseName;
    this.maxCapacity = settings.maxCapacity;
    const ownVpc = settings.vpc === undefined;
    this.vpc = settings.vpc ?? this.isolatedVpc(logRemovalPolicy);
    const isolated = { subnetType: SubnetType.PRIVATE_ISOLATED };

    this.cluster = new DatabaseCluster(this, 'Cluster', {
      engine: DatabaseClusterEngine.auroraPostgres({ version: settings.engineVersion }),
      credentials: Credentials.fromGeneratedSecret('journal_admin'),
      defaultDatabaseName: settings.databaseName,
      writer: ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
      serverlessV2MinCapacity: settings.minCapacity,
      serverlessV2MaxCapacity: settings.maxCapacity,
      ...(settings.minCapacity === 0 ? { serverlessV2AutoPauseDuration: settings.autoPauseAfter } : {}),
      vpc: this.vpc,
      vpcSubnets: isolated,
      storageEncrypted: true,
      enableDataApi: true,
      deletionProtection: settings.deletionProtection,
      removalPolicy: settings.removalPolicy,
      backup: { retention: settings.backupRetention },
    });
    if (!this.cluster.secret) throw new Error('The cluster was created without its credentials secret');
    this.secret = this.cluster.secret;
    // A snapshot (or a retained cluster) is useless without its master credentials: CDK's generated
    // secret is deleted with the stack unless told otherwise, so it stays whenever the cluster does.
    // (cluster.secret is its attachment; the secret itself is the cluster's child 'Secret'.)
    const generatedSecret = this.cluster.node.tryFindChild('Secret');
    if (!(generatedSecret instanceof DatabaseSecret)) throw new Error('The cluster has no generated secret');
    generatedSecret.applyRemovalPolicy(
      settings.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    );

    // The rotation function runs in the isolated subnets: it reaches Secrets Manager through an
    // interface endpoint (ours when the VPC is ours; a given VPC must provide its own).
    const endpoint = ownVpc ? this.secretsManagerEndpoint() : undefined;
    this.cluster.addRotationSingleUser({
      automaticallyAfter: settings.rotateCredentialsAfter,
      vpcSubnets: isolated,
      ...(endpoint ? { endpoint } : {}),
      // Not during the deploy that creates it: the migrations run right after the cluster.
      rotateImmediatelyOnUpdate: false,
    });

    // What these reasons state is asserted by test/infra/database.test.ts ("the cdk-nag reasons").
    NagSuppressions.addResourceSuppressions(this.cluster, [
      {
        id: 'AwsSolutions-RDS6',
        reason:
          "The journal's functions reach the cluster only through the RDS Data API, authorized by IAM (rds-data on this cluster) and the secret; no role is granted rds-db:connect. The only PostgreSQL logins are the Secrets Manager rotation function, which must sign in with the secret's password to rotate it, and in-VPC clients admitted by allowSqlClient (Grafana's PostgreSQL datasource has no IAM token sign-in); IAM database authentication would protect neither.",
      },
      {
        id: 'AwsSolutions-RDS11',
        reason:
          "The cluster is in isolated subnets (no route to or from the internet) and its security group admits the PostgreSQL port only from other security groups: the rotation function's, and any allowSqlClient names; no CIDR range. A non-default port would hide nothing from those clients, which read the port from the cluster endpoint.",
      },
    ]);
    if (!settings.deletionProtection) {
      NagSuppressions.addResourceSuppressions(this.cluster, [
        {
          id: 'AwsSolutions-RDS10',
          reason: 'Deletion protection is off on purpose for this (dev) stack, by its props.',
        },
      ]);
    }
  }

  /** Lets a function run Data API statements on this cluster, with this cluster's secret. */
  grantDataApi(grantee: IGrantable): void {
    this.cluster.grantDataApiAccess(grantee);
  }

  /**
   * Opens the PostgreSQL port to a client inside the VPC (Grafana's PostgreSQL datasource reads the
   * tables directly); nothing else connects to the cluster but the rotation function.
   */
  allowSqlClient(client: IConnectable): void {
    this.cluster.connections.allowDefaultPortFrom(client, 'PostgreSQL client of the journal (e.g. Grafana)');
  }

  /** The environment a function needs to reach the journal through the Data API (lib/config). */
  dataApiEnvironment(): Record<string, string> {
    return {
      JOURNAL_CLUSTER_ARN: this.cluster.clusterArn,
      JOURNAL_SECRET_ARN: this.secret.secretArn,
      JOURNAL_DATABASE: this.databaseName,
    };
  }

  private isolatedVpc(logRemovalPolicy: RemovalPolicy): Vpc {
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: logRemovalPolicy,
    });
    return new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'database', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: {
        rejected: {
          trafficType: FlowLogTrafficType.REJECT,
          destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
        },
      },
    });
  }

  private secretsManagerEndpoint(): IInterfaceVpcEndpoint {
    const endpoint = this.vpc.addInterfaceEndpoint('SecretsManager', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      privateDnsEnabled: true,
    });
    NagSuppressions.addResourceSuppressions(
      endpoint,
      [
        {
          id: 'CdkNagValidationFailure',
          reason:
            "AwsSolutions-EC23 cannot resolve the ingress rule: it admits HTTPS from this VPC's own CIDR block (an intrinsic), never 0.0.0.0/0.",
        },
      ],
      true,
    );
    return endpoint;
  }
}
