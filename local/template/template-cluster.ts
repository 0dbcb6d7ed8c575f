import { type CfnTemplate, type Resolve, TemplateError } from './cfn-template.ts';

/** The Aurora cluster of the template as the local Data API serves it. */
export interface TemplateCluster {
  readonly logicalId: string;
  readonly resourceArn: string;
  /** The secret the template attaches to the cluster (what functions send as secretArn). */
  readonly secretArn: string;
  readonly databaseName: string;
  /** ServerlessV2ScalingConfiguration.SecondsUntilAutoPause when MinCapacity is 0. */
  readonly autoPauseAfterSeconds?: number;
}

/**
 * The template's one AWS::RDS::DBCluster with the Data API (EnableHttpEndpoint) and the secret
 * attached to it (AWS::SecretsManager::SecretTargetAttachment). "If you set the minimum capacity
 * to 0 ACUs, ... the cluster pauses after SecondsUntilAutoPause" (aurora-serverless-v2-auto-pause).
 */
export function clusterOf(
  template: CfnTemplate,
  resolve: Resolve,
  isActive: (logicalId: string) => boolean,
): TemplateCluster {
  const clusters = Object.entries(template.Resources).filter(
    ([id, resource]) => resource.Type === 'AWS::RDS::DBCluster' && isActive(id),
  );
  if (clusters.length !== 1) {
    throw new TemplateError(
      `the local cloud runs exactly one AWS::RDS::DBCluster (the template has ${clusters.length})`,
    );
  }
  const [logicalId, resource] = clusters[0] as [string, NonNullable<(typeof clusters)[0]>[1]];
  const p = resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
  if (p.EnableHttpEndpoint !== true && p.EnableHttpEndpoint !== 'true') {
    throw new TemplateError(
      `${logicalId}.EnableHttpEndpoint: the local cloud reaches the cluster through the Data API only`,
    );
  }
  if (p.Engine !== 'aurora-postgresql') {
    throw new TemplateError(
      `${logicalId}.Engine: only aurora-postgresql is emulated (got ${String(p.Engine)})`,
    );
  }
  const attachment = Object.entries(template.Resources).find(
    ([id, candidate]) =>
      candidate.Type === 'AWS::SecretsManager::SecretTargetAttachment' &&
      isActive(id) &&
      (candidate.Properties?.TargetId as { Ref?: string } | undefined)?.Ref === logicalId,
  );
  if (!attachment) {
    throw new TemplateError(
      `${logicalId}: no AWS::SecretsManager::SecretTargetAttachment names this cluster`,
    );
  }
  const scaling = (p.ServerlessV2ScalingConfiguration ?? {}) as {
    MinCapacity?: number;
    SecondsUntilAutoPause?: number;
  };
  const pauses = Number(scaling.MinCapacity) === 0;
  return {
    logicalId,
    resourceArn: String(resolve({ 'Fn::GetAtt': [logicalId, 'DBClusterArn'] }, logicalId)),
    secretArn: String(resolve({ Ref: attachment[0] }, attachment[0])),
    databaseName: String(p.DatabaseName ?? 'postgres'),
    // "Default: 300 seconds" when MinCapacity is 0 and SecondsUntilAutoPause is unset (RDS API reference).
    ...(pauses ? { autoPauseAfterSeconds: Number(scaling.SecondsUntilAutoPause ?? 300) } : {}),
  };
}
