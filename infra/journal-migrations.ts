import { Duration } from 'aws-cdk-lib';
import { InvocationType, Trigger } from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import type { JournalDatabase } from './journal-database.ts';
import { JournalFunction, type JournalFunctionDefaults } from './journal-function.ts';

export interface JournalMigrationsProps {
  readonly database: JournalDatabase;
  readonly defaults: JournalFunctionDefaults;
}

// A paused cluster takes ~15 s to resume and a Data API statement may run 45 s; a migration of a
// large partitioned table takes longer. The deploy waits for the whole run.
const MIGRATION_TIMEOUT = Duration.minutes(10);

/**
 * The schema migrations, applied during the deploy: a Trigger invokes functions/migrate.ts once the
 * cluster exists and whenever the function changes (its bundle carries migrations/*.sql, so every
 * new migration changes it). A failed migration fails the Trigger, so the deploy fails and rolls
 * back; what must wait for the schema is declared with `runBefore`.
 */
export class JournalMigrations extends Construct {
  readonly function: JournalFunction;
  readonly trigger: Trigger;

  constructor(scope: Construct, id: string, props: JournalMigrationsProps) {
    super(scope, id);
    this.function = new JournalFunction(this, 'Function', {
      entry: 'migrate',
      description: 'Applies the journal schema migrations through the Data API (run by the deploy)',
      defaults: props.defaults,
      timeout: MIGRATION_TIMEOUT,
      memorySize: 512,
      environment: props.database.dataApiEnvironment(),
      bundleMigrations: true,
    });
    props.database.grantDataApi(this.function);
    this.trigger = new Trigger(this, 'Trigger', {
      handler: this.function,
      invocationType: InvocationType.REQUEST_RESPONSE,
      timeout: MIGRATION_TIMEOUT,
      executeOnHandlerChange: true,
      executeAfter: [props.database.cluster],
    });
  }

  /** The given constructs are deployed (and so take traffic) only after the migrations succeeded. */
  runBefore(...constructs: Construct[]): void {
    this.trigger.executeBefore(...constructs);
  }
}
