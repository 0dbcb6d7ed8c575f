import { gatewayErrors } from './gateway-error.ts';
import type { ApiMethod, ApiResource, RestApiModel } from './rest-api-model.ts';

/** The resource and method a request reaches. */
export interface RouteMatch {
  readonly resource: ApiResource;
  readonly method: ApiMethod;
  /** Decoded `{param}` and `{proxy+}` values, or null when the resource has none. */
  readonly pathParameters: Readonly<Record<string, string>> | null;
  /** The path after the stage, as sent: `/api/journal/hive/page`. */
  readonly path: string;
}

/**
 * Finds the resource and method for `METHOD /stage/path`. A path outside the stage is answered
 * 403 Forbidden, as the execute-api endpoint answers a request without a deployed stage; a path or
 * method the stage does not declare is 403 Missing Authentication Token ("The gateway response for
 * a missing authentication token error, including the cases when the client attempts to invoke an
 * unsupported API method or resource", Gateway response types). HEAD is a method of its own: a
 * GET-only resource does not answer it. Among resources, a literal segment wins over `{param}`,
 * which wins over `{proxy+}`.
 */
export function routeRequest(model: RestApiModel, httpMethod: string, rawPath: string): RouteMatch {
  const prefix = `/${model.stage.name}`;
  if (rawPath !== prefix && !rawPath.startsWith(`${prefix}/`)) throw gatewayErrors.forbidden();
  const path = rawPath.slice(prefix.length) || '/';
  // API Gateway treats /health/ as /health.
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const segments = trimmed === '/' ? [] : trimmed.slice(1).split('/');
  const found = matchResource(model.root, segments, 0, {});
  const method = found?.resource.methods.get(httpMethod) ?? found?.resource.methods.get('ANY');
  if (found === undefined || method === undefined) throw gatewayErrors.missingAuthenticationToken();
  const hasParameters = Object.keys(found.parameters).length > 0;
  return { resource: found.resource, method, pathParameters: hasParameters ? found.parameters : null, path };
}

interface Found {
  readonly resource: ApiResource;
  readonly parameters: Record<string, string>;
}

function matchResource(
  resource: ApiResource,
  segments: readonly string[],
  at: number,
  parameters: Record<string, string>,
): Found | undefined {
  if (at === segments.length) return { resource, parameters };
  const segment = decode(segments[at] as string);
  const ordered = [...resource.children].sort((a, b) => rank(a) - rank(b));
  for (const child of ordered) {
    const { segment: kind } = child;
    if (kind.kind === 'literal' && kind.value === segment) {
      const found = matchResource(child, segments, at + 1, parameters);
      if (found) return found;
    } else if (kind.kind === 'parameter' && segment !== '') {
      const found = matchResource(child, segments, at + 1, { ...parameters, [kind.name]: segment });
      if (found) return found;
    } else if (kind.kind === 'greedy') {
      return {
        resource: child,
        parameters: { ...parameters, [kind.name]: decode(segments.slice(at).join('/')) },
      };
    }
  }
  return undefined;
}

function rank(resource: ApiResource): number {
  return { root: 0, literal: 0, parameter: 1, greedy: 2 }[resource.segment.kind];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
