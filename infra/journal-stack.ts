import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { JournalService, type JournalServiceProps } from './journal-service.ts';

export interface JournalStackProps extends StackProps {
  /** The service's props, or a function of the stack for props that import resources into it. */
  readonly service?: JournalServiceProps | ((stack: Stack) => JournalServiceProps);
}

/** The deployable hive-journal: one JournalService and the outputs producers and operators need. */
export class JournalStack extends Stack {
  readonly service: JournalService;

  constructor(scope: Construct, id: string, props: JournalStackProps = {}) {
    super(scope, id, props);
    const service = typeof props.service === 'function' ? props.service(this) : props.service;
    this.service = new JournalService(this, 'Journal', service);
    const outputs: Record<string, [string, string]> = {
      IngestQueueUrl: [this.service.queue.queueUrl, 'Producers publish journal messages here'],
      IngestQueueArn: [this.service.queue.queueArn, 'For producer IAM policies (sqs:SendMessage)'],
      ApiUrl: [this.service.apiUrl, 'Base URL of the journal API'],
      AlarmTopicArn: [this.service.alarmTopic.topicArn, 'Subscribe to receive the alarms'],
      ClusterArn: [this.service.database.cluster.clusterArn, 'JOURNAL_CLUSTER_ARN (Data API)'],
      SecretArn: [this.service.database.secret.secretArn, 'JOURNAL_SECRET_ARN (Data API)'],
      DashboardName: [this.service.observability.dashboard.dashboardName, 'CloudWatch dashboard'],
    };
    for (const [id, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, id, { value, description });
    }
  }
}
