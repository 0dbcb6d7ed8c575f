import type { CfnTemplate, Resolve } from '../template/cfn-template.ts';
import { arnMatches } from './arn-pattern.ts';
import { functionKey } from './lambda-integration-uri.ts';
import type { InvokePermission } from './rest-api-model.ts';
import { resolveString, resourcesOfType } from './template-reading.ts';

const API_GATEWAY_PRINCIPAL = 'apigateway.amazonaws.com';
const INVOKE_ACTIONS = new Set(['lambda:InvokeFunction', 'lambda:*']);

/**
 * The SourceArn patterns of the AWS::Lambda::Permission resources that let API Gateway invoke each
 * function, by function key (`*` for a permission without SourceArn). Only these are resolved: the
 * template's other permissions (SQS, EventBridge, ...) are not the gateway's business.
 */
export function readGatewayInvokePermissions(
  template: CfnTemplate,
  resolve: Resolve,
): (functionArn: string) => InvokePermission {
  const byFunction = new Map<string, string[]>();
  for (const { logicalId, properties } of resourcesOfType(template, 'AWS::Lambda::Permission')) {
    const where = `${logicalId}.Properties`;
    if (resolve(properties.Principal, `${where}.Principal`) !== API_GATEWAY_PRINCIPAL) continue;
    if (!INVOKE_ACTIONS.has(String(resolve(properties.Action, `${where}.Action`)))) continue;
    const key = functionKey(resolveString(resolve, properties.FunctionName, `${where}.FunctionName`));
    const sourceArn =
      properties.SourceArn === undefined
        ? '*'
        : resolveString(resolve, properties.SourceArn, `${where}.SourceArn`);
    byFunction.set(key, [...(byFunction.get(key) ?? []), sourceArn]);
  }
  return (functionArn) => ({
    kind: 'resource-policy',
    sourceArns: byFunction.get(functionKey(functionArn)) ?? [],
  });
}

/** Whether API Gateway, calling as `sourceArn` (an execute-api ARN), may invoke the function. */
export function invokePermitted(permission: InvokePermission, sourceArn: string): boolean {
  return (
    permission.kind === 'role' || permission.sourceArns.some((pattern) => arnMatches(pattern, sourceArn))
  );
}
