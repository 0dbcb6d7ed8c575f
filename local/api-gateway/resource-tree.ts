import { type CfnTemplate, TemplateError } from '../template/cfn-template.ts';
import type { ApiMethod, ApiResource, ResourceSegment } from './rest-api-model.ts';
import { referencedLogicalId, rejectUnknownProperties, resourcesOfType } from './template-reading.ts';

const RESOURCE_PROPERTIES = new Set(['ParentId', 'PathPart', 'RestApiId']);

/**
 * The RestApi's resource tree: the root (keyed by the RestApi's logical id, which is what
 * `GetAtt RestApi.RootResourceId` names) and each AWS::ApiGateway::Resource under its ParentId.
 */
export function buildResourceTree(
  template: CfnTemplate,
  restApiLogicalId: string,
  methodsOf: (resourceLogicalId: string) => ReadonlyMap<string, ApiMethod>,
): ApiResource {
  const childrenOf = new Map<string, { logicalId: string; pathPart: string }[]>();
  for (const { logicalId, properties } of resourcesOfType(template, 'AWS::ApiGateway::Resource')) {
    const where = `${logicalId}.Properties`;
    rejectUnknownProperties(properties, RESOURCE_PROPERTIES, where);
    if (referencedLogicalId(properties.RestApiId, `${where}.RestApiId`) !== restApiLogicalId) continue;
    const parent = resourceLogicalId(properties.ParentId, restApiLogicalId, `${where}.ParentId`);
    if (typeof properties.PathPart !== 'string' || properties.PathPart === '') {
      throw new TemplateError(`${where}.PathPart must be a non-empty string`);
    }
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), { logicalId, pathPart: properties.PathPart }]);
  }
  const visited = new Set<string>();
  const build = (logicalId: string, path: string, segment: ResourceSegment): ApiResource => {
    if (visited.has(logicalId)) throw new TemplateError(`${logicalId}.Properties.ParentId forms a cycle`);
    visited.add(logicalId);
    const children = (childrenOf.get(logicalId) ?? []).map((child) => {
      const childSegment = segmentOf(child.pathPart, `${child.logicalId}.Properties.PathPart`);
      if (segment.kind === 'greedy') {
        throw new TemplateError(`${child.logicalId}: a {proxy+} resource (${path}) cannot have children`);
      }
      return build(child.logicalId, `${path === '/' ? '' : path}/${child.pathPart}`, childSegment);
    });
    checkSiblings(children, path);
    return { logicalId, path, segment, children, methods: methodsOf(logicalId) };
  };
  const root = build(restApiLogicalId, '/', { kind: 'root' });
  for (const parent of childrenOf.keys()) {
    if (!visited.has(parent)) {
      throw new TemplateError(
        `${parent} is the ParentId of a resource but is not part of ${restApiLogicalId}`,
      );
    }
  }
  return root;
}

/** The resource a ParentId or ResourceId names: a Ref to a Resource, or the RestApi's root. */
export function resourceLogicalId(value: unknown, restApiLogicalId: string, where: string): string {
  if (typeof value === 'object' && value !== null && 'Ref' in value) return referencedLogicalId(value, where);
  const root = referencedLogicalId(value, where, 'RootResourceId');
  if (root !== restApiLogicalId)
    throw new TemplateError(`${where} names the root of another RestApi (${root})`);
  return root;
}

function segmentOf(pathPart: string, where: string): ResourceSegment {
  const variable = /^\{([A-Za-z0-9._-]+)(\+?)\}$/.exec(pathPart);
  if (variable) {
    const name = variable[1] as string;
    return variable[2] === '+' ? { kind: 'greedy', name } : { kind: 'parameter', name };
  }
  if (/[{}/]/.test(pathPart)) throw new TemplateError(`${where} is not a path segment: ${pathPart}`);
  return { kind: 'literal', value: pathPart };
}

// API Gateway refuses, at deployment, two resources with the same path or two path variables on
// one level; refusing them here keeps matching unambiguous.
function checkSiblings(children: readonly ApiResource[], parentPath: string): void {
  const literals = new Set<string>();
  let variables = 0;
  for (const child of children) {
    if (child.segment.kind === 'literal') {
      if (literals.has(child.segment.value)) {
        throw new TemplateError(`${child.logicalId}: ${child.path} is declared twice`);
      }
      literals.add(child.segment.value);
    } else {
      variables += 1;
    }
  }
  if (variables > 1) {
    throw new TemplateError(`${parentPath} has more than one path-variable child resource`);
  }
}
