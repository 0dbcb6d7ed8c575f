import type { Template } from 'aws-cdk-lib/assertions';
import { render, resourcesOf } from './journal-synth.ts';

export interface ApiMethod {
  readonly key: string;
  readonly authorizationType: string;
  readonly integrationUri: string;
  readonly integrationType: string;
  readonly scopes: readonly string[] | undefined;
}

/** The API's methods as `METHOD /path`, the path rebuilt from the resource tree. */
export function methodsOf(template: Template): Map<string, ApiMethod> {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const resource = resources[id];
    if (!resource) return '';
    const parent = resource.Properties.ParentId as { Ref?: string };
    return `${parent.Ref ? pathOf(parent.Ref) : ''}/${String(resource.Properties.PathPart)}`;
  };
  const methods = new Map<string, ApiMethod>();
  for (const method of Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))) {
    const p = method.Properties ?? {};
    const resourceId = p.ResourceId as { Ref?: string };
    const key = `${String(p.HttpMethod)} ${resourceId.Ref ? pathOf(resourceId.Ref) : '/'}`;
    const integration = p.Integration as { Uri?: unknown; Type: string };
    methods.set(key, {
      key,
      authorizationType: String(p.AuthorizationType),
      integrationUri: render(integration.Uri ?? ''),
      integrationType: integration.Type,
      scopes: p.AuthorizationScopes as string[] | undefined,
    });
  }
  return methods;
}

export const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
