import { type CfnTemplate, type Resolve, TemplateError } from '../template/cfn-template.ts';
import type { StageModel, ThrottleSettings } from './rest-api-model.ts';
import {
  referencedLogicalId,
  rejectUnknownProperties,
  resolveString,
  resourcesOfType,
} from './template-reading.ts';

// Tracing, access logs, client certificates and documentation change what is recorded about a
// request, not how it is answered.
const STAGE_PROPERTIES = new Set([
  'RestApiId',
  'StageName',
  'DeploymentId',
  'MethodSettings',
  'Variables',
  'TracingEnabled',
  'AccessLogSetting',
  'Description',
  'ClientCertificateId',
  'DocumentationVersion',
  'CacheClusterEnabled',
  'CacheClusterSize',
  'Tags',
]);
const METHOD_SETTING_PROPERTIES = new Set([
  'HttpMethod',
  'ResourcePath',
  'ThrottlingBurstLimit',
  'ThrottlingRateLimit',
  'LoggingLevel',
  'MetricsEnabled',
  'DataTraceEnabled',
  'CachingEnabled',
  'CacheTtlInSeconds',
  'CacheDataEncrypted',
]);
// The account-level limits per Region ("Amazon API Gateway quotas"), which a method setting that
// names only one of the two keeps for the other.
const ACCOUNT_RATE_LIMIT = 10_000;
const ACCOUNT_BURST_LIMIT = 5_000;

/** The one AWS::ApiGateway::Stage of the RestApi: its name, variables and method throttling. */
export function readStage(template: CfnTemplate, resolve: Resolve, restApiLogicalId: string): StageModel {
  const stages = resourcesOfType(template, 'AWS::ApiGateway::Stage').filter(
    ({ logicalId, properties }) =>
      referencedLogicalId(properties.RestApiId, `${logicalId}.Properties.RestApiId`) === restApiLogicalId,
  );
  if (stages.length !== 1) {
    throw new TemplateError(
      `${restApiLogicalId} must have exactly one AWS::ApiGateway::Stage to be served locally (has ${stages.length})`,
    );
  }
  const { logicalId, properties } = stages[0] as (typeof stages)[number];
  const where = `${logicalId}.Properties`;
  rejectUnknownProperties(properties, STAGE_PROPERTIES, where);
  let defaultThrottle: ThrottleSettings | null = null;
  const methodThrottles = new Map<string, ThrottleSettings>();
  const settings = Array.isArray(properties.MethodSettings) ? properties.MethodSettings : [];
  for (const [i, setting] of (settings as Record<string, unknown>[]).entries()) {
    const at = `${where}.MethodSettings[${i}]`;
    rejectUnknownProperties(setting, METHOD_SETTING_PROPERTIES, at);
    if (setting.CachingEnabled === true)
      throw new TemplateError(`${at}.CachingEnabled: caching is not emulated locally`);
    const throttle = readThrottle(setting, at);
    if (setting.HttpMethod === '*' && setting.ResourcePath === '/*') {
      defaultThrottle = throttle;
    } else if (typeof setting.ResourcePath === 'string' && /^[A-Z]+$/.test(String(setting.HttpMethod))) {
      // "Forward slashes (/) are encoded as ~1": /~1api~1journal is /api/journal.
      const path = setting.ResourcePath === '/' ? '/' : setting.ResourcePath.slice(1).replaceAll('~1', '/');
      if (throttle) methodThrottles.set(`${String(setting.HttpMethod)} ${path}`, throttle);
    } else {
      throw new TemplateError(
        `${at}: only HttpMethod * with ResourcePath /*, or one method and resource, are emulated`,
      );
    }
  }
  return {
    logicalId,
    name: resolveString(resolve, properties.StageName, `${where}.StageName`),
    variables: readVariables(resolve, properties.Variables, `${where}.Variables`),
    defaultThrottle,
    methodThrottles,
  };
}

function readThrottle(setting: Record<string, unknown>, where: string): ThrottleSettings | null {
  if (setting.ThrottlingRateLimit === undefined && setting.ThrottlingBurstLimit === undefined) return null;
  const rateLimit = Number(setting.ThrottlingRateLimit ?? ACCOUNT_RATE_LIMIT);
  const burstLimit = Number(setting.ThrottlingBurstLimit ?? ACCOUNT_BURST_LIMIT);
  // -1 turns method throttling off.
  if (rateLimit === -1 || burstLimit === -1) return null;
  if (!(rateLimit >= 0) || !Number.isInteger(burstLimit) || burstLimit < 0) {
    throw new TemplateError(`${where}: ThrottlingRateLimit and ThrottlingBurstLimit must be non-negative`);
  }
  return { rateLimit, burstLimit };
}

function readVariables(resolve: Resolve, value: unknown, where: string): Record<string, string> | null {
  if (value === undefined) return null;
  const variables: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    variables[name] = resolveString(resolve, raw, `${where}.${name}`);
  }
  return Object.keys(variables).length > 0 ? variables : null;
}
