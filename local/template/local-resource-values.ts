import type { CfnTemplate, Resolve } from './cfn-template.ts';
import type { PseudoParameters, ResourceValues } from './intrinsics.ts';
import { generatedName, stableToken } from './local-names.ts';

/** The local endpoints that give resources their local URLs and addresses. */
export interface LocalServiceEndpoints {
  /** The local SQS endpoint (queue URLs are under it). */
  readonly sqsEndpoint: string;
  /** Host and port the database cluster's endpoint attributes report. */
  readonly databaseHost: string;
  readonly databasePort: number;
}

/**
 * What `Ref` and `Fn::GetAtt` return for each resource of the template locally, following the
 * "Return values" section of each resource type's CloudFormation reference. Names come from the
 * template when it gives them, else are generated as CloudFormation would (stable across restarts).
 */
export function localResourceValues(
  template: CfnTemplate,
  pseudo: PseudoParameters,
  endpoints: LocalServiceEndpoints,
  resolveLater: () => Resolve,
): ResourceValues {
  const { region, accountId, partition, stackName } = pseudo;
  const arn = (service: string, resource: string, inRegion = true) =>
    `arn:${partition}:${service}:${inRegion ? region : ''}:${accountId}:${resource}`;
  const property = (logicalId: string, name: string): string | undefined => {
    const value = template.Resources[logicalId]?.Properties?.[name];
    return value === undefined ? undefined : String(resolveLater()(value, `${logicalId}.${name}`));
  };
  const nameOf = (logicalId: string, nameProperty: string, maxLength: number) =>
    property(logicalId, nameProperty) ?? generatedName(stackName, logicalId, maxLength);
  const token = (logicalId: string, length: number) => stableToken(`${stackName}/${logicalId}`, length);

  const values = (logicalId: string): { ref: string; attributes: Record<string, string> } | undefined => {
    const type = template.Resources[logicalId]?.Type;
    switch (type) {
      case 'AWS::SQS::Queue': {
        const name = nameOf(logicalId, 'QueueName', 80);
        const url = `${endpoints.sqsEndpoint}/${accountId}/${name}`;
        return { ref: url, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } };
      }
      case 'AWS::Lambda::Function': {
        const name = nameOf(logicalId, 'FunctionName', 64);
        return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
      }
      case 'AWS::Lambda::Version': {
        // Locally every version is the function as it is ($LATEST); the version number is 1.
        const functionArn = functionArnOf(property(logicalId, 'FunctionName') ?? '');
        return { ref: `${functionArn}:1`, attributes: { Version: '1', FunctionArn: functionArn } };
      }
      case 'AWS::RDS::DBCluster': {
        const id = nameOf(logicalId, 'DBClusterIdentifier', 63).toLowerCase();
        const address = endpoints.databaseHost;
        const port = String(endpoints.databasePort);
        return {
          ref: id,
          attributes: {
            DBClusterArn: arn('rds', `cluster:${id}`),
            DBClusterResourceId: `cluster-${token(logicalId, 26).toUpperCase()}`,
            'Endpoint.Address': address,
            'Endpoint.Port': port,
            'ReadEndpoint.Address': address,
          },
        };
      }
      case 'AWS::RDS::DBInstance': {
        const id = nameOf(logicalId, 'DBInstanceIdentifier', 63).toLowerCase();
        return { ref: id, attributes: { DBInstanceArn: arn('rds', `db:${id}`) } };
      }
      case 'AWS::SecretsManager::Secret': {
        const name = property(logicalId, 'Name') ?? `${logicalId.slice(0, 40)}-${token(logicalId, 12)}`;
        // Secrets Manager appends a hyphen and six random characters to the name in the ARN.
        const secretArn = arn('secretsmanager', `secret:${name}-${token(`${logicalId}/arn`, 6)}`);
        return { ref: secretArn, attributes: { Id: secretArn } };
      }
      case 'AWS::SecretsManager::SecretTargetAttachment': {
        // Ref returns the ARN of the secret it attaches.
        const secret = property(logicalId, 'SecretId') ?? '';
        return { ref: secret, attributes: {} };
      }
      case 'AWS::ApiGateway::RestApi':
        return { ref: token(logicalId, 10), attributes: { RootResourceId: token(`${logicalId}/root`, 10) } };
      case 'AWS::ApiGateway::Resource':
        return { ref: token(logicalId, 6), attributes: { ResourceId: token(logicalId, 6) } };
      case 'AWS::ApiGateway::Stage':
        return { ref: property(logicalId, 'StageName') ?? token(logicalId, 6), attributes: {} };
      case 'AWS::ApiGateway::Authorizer':
        return { ref: token(logicalId, 6), attributes: { AuthorizerId: token(logicalId, 6) } };
      case 'AWS::IAM::Role': {
        const name = nameOf(logicalId, 'RoleName', 64);
        return {
          ref: name,
          attributes: {
            Arn: arn('iam', `role/${name}`, false),
            RoleId: `AROA${token(logicalId, 17).toUpperCase()}`,
          },
        };
      }
      case 'AWS::Logs::LogGroup': {
        const name = nameOf(logicalId, 'LogGroupName', 512);
        return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::SNS::Topic': {
        const name = nameOf(logicalId, 'TopicName', 256);
        return { ref: arn('sns', name), attributes: { TopicArn: arn('sns', name), TopicName: name } };
      }
      case 'AWS::Scheduler::Schedule': {
        const name = nameOf(logicalId, 'Name', 64);
        const group = property(logicalId, 'GroupName') ?? 'default';
        return { ref: name, attributes: { Arn: arn('scheduler', `schedule/${group}/${name}`) } };
      }
      case 'AWS::EC2::VPC':
        return {
          ref: `vpc-${token(logicalId, 17)}`,
          attributes: {
            CidrBlock: '10.0.0.0/16',
            DefaultSecurityGroup: `sg-${token(`${logicalId}/sg`, 17)}`,
          },
        };
      case 'AWS::EC2::SecurityGroup':
        return {
          ref: `sg-${token(logicalId, 17)}`,
          attributes: { GroupId: `sg-${token(logicalId, 17)}`, VpcId: `vpc-${token(logicalId, 17)}` },
        };
      case undefined:
        return undefined;
      default:
        // Resources the local cloud does not run still get a physical id, so outputs and names that
        // mention them resolve; their attributes are unknown.
        return { ref: generatedName(stackName, logicalId, 128), attributes: {} };
    }
  };

  const functionArnOf = (nameOrArn: string) =>
    nameOrArn.startsWith('arn:') ? nameOrArn : arn('lambda', `function:${nameOrArn}`);

  const cache = new Map<string, ReturnType<typeof values>>();
  const cached = (logicalId: string) => {
    if (!cache.has(logicalId)) cache.set(logicalId, values(logicalId));
    return cache.get(logicalId);
  };
  return {
    ref: (logicalId) => cached(logicalId)?.ref,
    attribute: (logicalId, attribute) => cached(logicalId)?.attributes[attribute],
  };
}
