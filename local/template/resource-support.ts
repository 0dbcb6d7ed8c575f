/** What the local cloud does with a resource type. */
export type Treatment = 'run' | 'emulated' | 'not emulated';

export interface ResourceSupport {
  readonly treatment: Treatment;
  /** One line for the start table: what happens locally (or why nothing does). */
  readonly locally: string;
  /**
   * For run and emulated types: the properties the local cloud honours, and those it accepts
   * without effect (each with why that is safe). Any other property stops the start.
   */
  readonly honours?: readonly string[];
  readonly ignores?: Readonly<Record<string, string>>;
}

const NO_NETWORK = 'no network isolation locally: every local endpoint is on 127.0.0.1';
const NO_IAM = 'IAM policies are not evaluated: the local credentials may do everything';
const NO_TRACING = 'X-Ray is not emulated';

/** Every resource type the local cloud knows; a template with another type stops the start. */
export const RESOURCE_SUPPORT: Readonly<Record<string, ResourceSupport>> = {
  'AWS::Lambda::Function': {
    treatment: 'run',
    locally: 'runs its asset bundle in a Node.js worker (own env, timeout, memory, concurrency)',
    honours: [
      'Code',
      'Handler',
      'Runtime',
      'Environment',
      'Timeout',
      'MemorySize',
      'ReservedConcurrentExecutions',
      'FunctionName',
    ],
    ignores: {
      Description: 'text only',
      Role: NO_IAM,
      Architectures: 'the bundle is JavaScript: it runs on this machine’s architecture',
      TracingConfig: NO_TRACING,
      LoggingConfig: 'function logs go to the local console (and the state directory’s logs)',
      Tags: 'tags change no behaviour',
      VpcConfig: NO_NETWORK,
    },
  },
  'Custom::Trigger': {
    treatment: 'run',
    locally: 'invokes its handler once at start, before what depends on it (as the deploy does)',
    honours: ['ServiceToken', 'HandlerArn', 'InvocationType', 'Timeout', 'ExecuteOnHandlerChange'],
  },
  'AWS::Lambda::Version': {
    treatment: 'emulated',
    locally: 'the function as bundled ($LATEST)',
    honours: ['FunctionName'],
    ignores: { Description: 'text only', CodeSha256: 'the local bundle is the synthesized one' },
  },
  'AWS::Lambda::EventSourceMapping': {
    treatment: 'emulated',
    locally: 'polls the queue and invokes the function as Lambda’s SQS poller does',
    honours: [
      'EventSourceArn',
      'FunctionName',
      'BatchSize',
      'MaximumBatchingWindowInSeconds',
      'ScalingConfig',
      'FunctionResponseTypes',
      'Enabled',
    ],
  },
  'AWS::Lambda::EventInvokeConfig': {
    treatment: 'emulated',
    locally: 'asynchronous invokes: retries, event age, destinations',
    honours: [
      'FunctionName',
      'Qualifier',
      'MaximumRetryAttempts',
      'MaximumEventAgeInSeconds',
      'DestinationConfig',
    ],
  },
  'AWS::Lambda::Permission': {
    treatment: 'emulated',
    locally: 'API Gateway invokes only functions that grant it',
    honours: ['Action', 'FunctionName', 'Principal', 'SourceArn', 'SourceAccount'],
  },
  'AWS::SQS::Queue': {
    treatment: 'emulated',
    locally: 'a queue of the local SQS (attributes and redrive policy as declared)',
    honours: [
      'QueueName',
      'VisibilityTimeout',
      'MessageRetentionPeriod',
      'RedrivePolicy',
      'DelaySeconds',
      'MaximumMessageSize',
      'ReceiveMessageWaitTimeSeconds',
    ],
    ignores: {
      SqsManagedSseEnabled: 'encryption at rest: the local SQS keeps messages in memory and its state file',
      KmsMasterKeyId: 'encryption at rest is not emulated',
      Tags: 'tags change no behaviour',
    },
  },
  'AWS::RDS::DBCluster': {
    treatment: 'emulated',
    locally: 'embedded PostgreSQL behind the local RDS Data API (auto-pause as declared)',
    honours: [
      'DatabaseName',
      'EnableHttpEndpoint',
      'Engine',
      'ServerlessV2ScalingConfiguration',
      'DBClusterIdentifier',
    ],
    ignores: {
      EngineVersion: 'the embedded PostgreSQL is 17',
      BackupRetentionPeriod: 'backups are not emulated',
      CopyTagsToSnapshot: 'snapshots are not emulated',
      DBClusterParameterGroupName: 'PostgreSQL runs with its defaults',
      DBSubnetGroupName: NO_NETWORK,
      VpcSecurityGroupIds: NO_NETWORK,
      DeletionProtection: 'the local data lives in the state directory until --fresh',
      MasterUsername: 'the Data API authenticates with the secret ARN only',
      MasterUserPassword: 'the Data API authenticates with the secret ARN only',
      Port: 'the embedded PostgreSQL listens on a free port',
      StorageEncrypted: 'encryption at rest is not emulated',
      Tags: 'tags change no behaviour',
    },
  },
  'AWS::RDS::DBInstance': { treatment: 'emulated', locally: 'the writer of the embedded PostgreSQL cluster' },
  'AWS::SecretsManager::Secret': {
    treatment: 'emulated',
    locally: 'its ARN is the one the local Data API accepts',
  },
  'AWS::SecretsManager::SecretTargetAttachment': {
    treatment: 'emulated',
    locally: 'Ref gives the secret’s ARN',
  },
  'AWS::ApiGateway::RestApi': { treatment: 'emulated', locally: 'the local REST API on the HTTP port' },
  'AWS::ApiGateway::Resource': { treatment: 'emulated', locally: 'a path of the local REST API' },
  'AWS::ApiGateway::Method': {
    treatment: 'emulated',
    locally: 'a route: authorization (SigV4, authorizers), Lambda proxy or MOCK integration',
  },
  'AWS::ApiGateway::Stage': { treatment: 'emulated', locally: 'stage name in the path, throttling' },
  'AWS::ApiGateway::Deployment': {
    treatment: 'emulated',
    locally: 'the stage serves the template’s methods',
  },
  'AWS::ApiGateway::GatewayResponse': {
    treatment: 'emulated',
    locally: 'API Gateway’s own answers as declared',
  },
  'AWS::ApiGateway::Authorizer': {
    treatment: 'emulated',
    locally:
      'Lambda authorizers run as declared; Cognito user pool tokens verified against local stand-in pools',
  },
  'AWS::Scheduler::Schedule': {
    treatment: 'emulated',
    locally: 'fires on its expression and invokes its target (retries, dead-letter queue)',
  },
  'AWS::ApiGateway::Account': {
    treatment: 'not emulated',
    locally: 'API Gateway’s CloudWatch role: no CloudWatch locally',
  },
  'AWS::IAM::Role': { treatment: 'not emulated', locally: NO_IAM },
  'AWS::IAM::Policy': { treatment: 'not emulated', locally: NO_IAM },
  'AWS::SQS::QueuePolicy': { treatment: 'not emulated', locally: NO_IAM },
  'AWS::SNS::TopicPolicy': { treatment: 'not emulated', locally: NO_IAM },
  'AWS::SecretsManager::ResourcePolicy': { treatment: 'not emulated', locally: NO_IAM },
  'AWS::Logs::LogGroup': { treatment: 'not emulated', locally: 'function logs go to the local console' },
  'AWS::CloudWatch::Alarm': {
    treatment: 'not emulated',
    locally: 'no CloudWatch metrics locally (see /metrics)',
  },
  'AWS::CloudWatch::Dashboard': { treatment: 'not emulated', locally: 'no CloudWatch locally' },
  'AWS::SNS::Topic': { treatment: 'not emulated', locally: 'alarm notifications: no alarms locally' },
  'AWS::SecretsManager::RotationSchedule': {
    treatment: 'not emulated',
    locally: 'the local secret never rotates',
  },
  'AWS::Serverless::Application': {
    treatment: 'not emulated',
    locally: 'a Serverless Application Repository app (the secret rotation function)',
  },
  'AWS::RDS::DBSubnetGroup': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::EC2::VPC': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::EC2::Subnet': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::EC2::RouteTable': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::EC2::SubnetRouteTableAssociation': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::EC2::SecurityGroup': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::EC2::SecurityGroupIngress': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::EC2::VPCEndpoint': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::EC2::FlowLog': { treatment: 'not emulated', locally: NO_NETWORK },
  'AWS::WAFv2::WebACLAssociation': {
    treatment: 'not emulated',
    locally: 'no WAF locally: every request reaches the API',
  },
  'Custom::VpcRestrictDefaultSG': {
    treatment: 'not emulated',
    locally: 'removes the default security group’s rules: no VPC locally',
  },
  'AWS::CDK::Metadata': { treatment: 'not emulated', locally: 'CDK usage metadata' },
};
