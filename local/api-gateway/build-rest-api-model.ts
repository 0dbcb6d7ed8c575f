import { type CfnTemplate, type Resolve, TemplateError } from '../template/cfn-template.ts';
import { readAuthorizers } from './authorizer-model.ts';
import { readGatewayResponses } from './gateway-response-model.ts';
import { readGatewayInvokePermissions } from './lambda-permissions.ts';
import { readMethod } from './method-model.ts';
import { buildResourceTree, resourceLogicalId } from './resource-tree.ts';
import type { ApiMethod, ApiResource, RestApiModel } from './rest-api-model.ts';
import { readStage } from './stage-model.ts';
import {
  referencedLogicalId,
  rejectUnknownProperties,
  resolveString,
  resourcesOfType,
} from './template-reading.ts';

// Endpoint types, API key sources, compression and failOnWarnings shape the deployment, not the
// answers; with DisableExecuteApiEndpoint the local gateway stands in for the custom domain.
// Body/BodyS3Location (OpenAPI import), CloneFrom and Policy (resource policies) are refused.
const REST_API_PROPERTIES = new Set([
  'Name',
  'Description',
  'EndpointConfiguration',
  'BinaryMediaTypes',
  'ApiKeySourceType',
  'MinimumCompressionSize',
  'DisableExecuteApiEndpoint',
  'FailOnWarnings',
  'Parameters',
  'Tags',
]);

/**
 * Reads the template's REST API (exactly one AWS::ApiGateway::RestApi) into what the local gateway
 * serves: resources, methods, authorizers, stage and gateway responses. Throws a TemplateError naming
 * the logical id and property of anything that would make the local API answer differently.
 */
export function buildRestApiModel(template: CfnTemplate, resolve: Resolve): RestApiModel {
  const restApis = resourcesOfType(template, 'AWS::ApiGateway::RestApi');
  if (restApis.length !== 1) {
    throw new TemplateError(
      `the local API Gateway serves exactly one AWS::ApiGateway::RestApi; the template has ${restApis.length}${
        restApis.length > 1 ? ` (${restApis.map((api) => api.logicalId).join(', ')})` : ''
      }`,
    );
  }
  const { logicalId, properties } = restApis[0] as (typeof restApis)[number];
  rejectUnknownProperties(properties, REST_API_PROPERTIES, `${logicalId}.Properties`);
  const permissionOf = readGatewayInvokePermissions(template, resolve);
  const authorizers = readAuthorizers(template, resolve, logicalId, permissionOf);
  const context = {
    resolve,
    permissionOf,
    authorizers,
  };
  const methodsByResource = new Map<string, Map<string, ApiMethod>>();
  for (const method of resourcesOfType(template, 'AWS::ApiGateway::Method')) {
    const where = `${method.logicalId}.Properties`;
    if (referencedLogicalId(method.properties.RestApiId, `${where}.RestApiId`) !== logicalId) continue;
    const resource = resourceLogicalId(method.properties.ResourceId, logicalId, `${where}.ResourceId`);
    const model = readMethod(method, context);
    const methods = methodsByResource.get(resource) ?? new Map<string, ApiMethod>();
    if (methods.has(model.httpMethod)) {
      throw new TemplateError(`${where}.HttpMethod ${model.httpMethod} is declared twice on ${resource}`);
    }
    methodsByResource.set(resource, methods.set(model.httpMethod, model));
  }
  const root = buildResourceTree(
    template,
    logicalId,
    (resource) => methodsByResource.get(resource) ?? new Map(),
  );
  const inTree = new Set(allResources(root).map((resource) => resource.logicalId));
  for (const [resource, methods] of methodsByResource) {
    if (!inTree.has(resource)) {
      const [method] = methods.values();
      throw new TemplateError(
        `${method?.logicalId}.Properties.ResourceId names ${resource}, not a resource of ${logicalId}`,
      );
    }
  }
  return {
    logicalId,
    apiId: resolveString(resolve, { Ref: logicalId }, `${logicalId} (Ref)`),
    root,
    stage: readStage(template, resolve, logicalId),
    authorizers: new Map([...authorizers.values()].map((authorizer) => [authorizer.id, authorizer])),
    gatewayResponses: readGatewayResponses(template, logicalId),
    binaryMediaTypes: readBinaryMediaTypes(
      resolve,
      properties.BinaryMediaTypes,
      `${logicalId}.Properties.BinaryMediaTypes`,
    ),
  };
}

function allResources(resource: ApiResource): ApiResource[] {
  return [resource, ...resource.children.flatMap(allResources)];
}

function readBinaryMediaTypes(resolve: Resolve, value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TemplateError(`${where} must be a list`);
  // The API writes a slash as ~1 (image~1png); CloudFormation takes either.
  return value.map((type, i) => resolveString(resolve, type, `${where}[${i}]`).replaceAll('~1', '/'));
}
