import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkDataApiRegion } from './data-api-regions.ts';
import { JournalApi, type JournalApiOptions, resolveApiSettings } from './journal-api.ts';
import { JournalDatabase, type JournalDatabaseOptions, resolveDatabaseSettings } from './journal-database.ts';
import type { JournalFunctionDefaults } from './journal-function.ts';
import { JournalIngest, type JournalIngestOptions, resolveIngestSettings } from './journal-ingest.ts';
import {
  JournalMaintenance,
  type JournalMaintenanceOptions,
  resolveMaintenanceSettings,
} from './journal-maintenance.ts';
import { JournalMigrations } from './journal-migrations.ts';
import {
  JournalObservability,
  type JournalObservabilityOptions,
  resolveObservabilitySettings,
} from './journal-observability.ts';
import { PropsProblems } from './props-problems.ts';

export interface JournalServiceProps {
  /** Names the functions' Powertools services (`<serviceName>-ingest`, ...) and the API. Default: hive-journal. */
  readonly serviceName?: string;
  /** CloudWatch namespace of the functions' metrics (EMF). Default: HiveJournal. */
  readonly metricsNamespace?: string;
  /** Default: INFO. */
  readonly logLevel?: JournalFunctionDefaults['logLevel'];
  /** Retention of the function and API access logs. Default: one month. */
  readonly logRetention?: RetentionDays;
  /** Default: false. A throw-away stack: no deletion protection, nothing retained on delete. */
  readonly dev?: boolean;
  /**
   * The region an environment-agnostic stack deploys to (infra/app.ts passes the CDK CLI's
   * CDK_DEFAULT_REGION); checked against the regions with the Data API. A stack with an explicit
   * region is checked by that region.
   */
  readonly deployRegion?: string;
  readonly database?: JournalDatabaseOptions;
  readonly ingest?: JournalIngestOptions;
  readonly api?: JournalApiOptions;
  readonly maintenance?: JournalMaintenanceOptions;
  readonly observability?: JournalObservabilityOptions;
}

/**
 * The hive-journal service: Aurora PostgreSQL (Data API) with its migrations applied on deploy, the
 * SQS ingest path, the REST API, scheduled maintenance, alarms and a dashboard. Producers get
 * `grantPublish`, API callers `grantRead` / `grantWrite`; operators subscribe to `alarmTopic`.
 */
export class JournalService extends Construct {
  readonly database: JournalDatabase;
  readonly migrations: JournalMigrations;
  readonly ingest: JournalIngest;
  readonly api: JournalApi;
  readonly maintenance: JournalMaintenance;
  readonly observability: JournalObservability;

  constructor(scope: Construct, id: string, props: JournalServiceProps = {}) {
    super(scope, id);
    const problems = new PropsProblems();
    const dev = props.dev ?? false;
    // What outlives a stack outside dev: log groups and queues (with their messages) are retained.
    const stageRemovalPolicy = dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const defaults: JournalFunctionDefaults = {
      serviceName: props.serviceName ?? 'hive-journal',
      metricsNamespace: props.metricsNamespace ?? 'HiveJournal',
      logLevel: props.logLevel ?? 'INFO',
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      logRemovalPolicy: stageRemovalPolicy,
    };
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(defaults.serviceName)) {
      problems.add('serviceName', 'must be lower-case letters, digits and dashes (at most 41)');
    }
    if (!/^[A-Za-z0-9_./#:-]{1,255}$/.test(defaults.metricsNamespace)) {
      problems.add('metricsNamespace', 'must be a CloudWatch namespace');
    }
    if (!['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(defaults.logLevel)) {
      problems.add('logLevel', 'must be DEBUG, INFO, WARN or ERROR');
    }
    const database = resolveDatabaseSettings(
      {
        ...(dev ? { deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY } : {}),
        ...props.database,
      },
      problems,
    );
    const ingest = resolveIngestSettings(props.ingest, problems);
    const api = resolveApiSettings(props.api, problems);
    const maintenance = resolveMaintenanceSettings(props.maintenance, problems);
    const observability = resolveObservabilitySettings(props.observability, problems);
    const stackRegion = Stack.of(this).region;
    checkDataApiRegion(Token.isUnresolved(stackRegion) ? props.deployRegion : stackRegion, problems);
    problems.throwIfAny();

    this.database = new JournalDatabase(this, 'Database', database, stageRemovalPolicy);
    this.migrations = new JournalMigrations(this, 'Migrations', { database: this.database, defaults });
    this.ingest = new JournalIngest(this, 'Ingest', {
      settings: ingest,
      database: this.database,
      defaults,
      queueRemovalPolicy: stageRemovalPolicy,
    });
    this.maintenance = new JournalMaintenance(this, 'Maintenance', {
      settings: maintenance,
      database: this.database,
      defaults,
      queueRemovalPolicy: stageRemovalPolicy,
    });
    this.api = new JournalApi(this, 'Api', {
      settings: api,
      database: this.database,
      defaults,
      deadLetterQueues: {
        ingest: this.ingest.deadLetterQueue,
        maintenance: this.maintenance.deadLetterQueue,
      },
    });
    // Nothing reads or writes the journal before its schema is there.
    this.migrations.runBefore(
      this.ingest.function,
      this.api.readFunction,
      this.api.writeFunction,
      this.maintenance.function,
    );
    this.observability = new JournalObservability(this, 'Observability', {
      settings: observability,
      defaults,
      database: this.database,
      ingest: this.ingest,
      api: this.api,
      maintenance: this.maintenance,
    });
  }

  /** The queue producers publish journal messages to. */
  get queue(): IQueue {
    return this.ingest.queue;
  }

  /** The API's base URL (the stage URL, ending with /). */
  get apiUrl(): string {
    return this.api.url;
  }

  /** Every alarm of the service notifies this topic. */
  get alarmTopic(): ITopic {
    return this.observability.alarmTopic;
  }

  /** Lets a producer publish to the ingest queue (sqs:SendMessage on it). */
  grantPublish(principal: IGrantable): void {
    this.ingest.grantPublish(principal);
  }

  /** Lets a principal call the API's read routes (IAM authorization). */
  grantRead(principal: IGrantable): void {
    this.api.grantRead(principal);
  }

  /** Lets a principal call the API's write routes: run metadata, pin, unpin (IAM authorization). */
  grantWrite(principal: IGrantable): void {
    this.api.grantWrite(principal);
  }
}
