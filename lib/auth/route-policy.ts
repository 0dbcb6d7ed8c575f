import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { RouteAccess } from './token-permissions.ts';

// arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>
const METHOD_ARN = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\/[^/]+\/.*$/;

/** A method ARN API Gateway sent is not one (the authorizer is misconfigured, not the caller). */
export class MethodArnError extends Error {
  constructor(methodArn: string) {
    super(`Not an execute-api method ARN: ${methodArn.slice(0, 200)}`);
    this.name = 'MethodArnError';
  }
}

/**
 * The IAM policy for a caller, covering every route of the stage and not only the one asked for:
 * API Gateway caches the decision per token for the authorizer's TTL and applies it to each route
 * the token then calls. Reads are the GET routes, writes POST and DELETE (infra/journal-api-routes.ts);
 * a family the token does not open is left out, which API Gateway answers with 403.
 */
export function routePolicy(request: {
  readonly methodArn: string;
  readonly principalId: string;
  readonly access: RouteAccess;
  readonly context: Readonly<Record<string, string>>;
}): APIGatewayAuthorizerResult {
  const stageArn = METHOD_ARN.exec(request.methodArn)?.[1];
  if (stageArn === undefined) throw new MethodArnError(request.methodArn);
  const methods = [
    ...(request.access.read ? ['GET'] : []),
    ...(request.access.write ? ['POST', 'DELETE'] : []),
  ];
  return {
    principalId: request.principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement:
        methods.length === 0
          ? [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${stageArn}/*/*`] }]
          : [
              {
                Effect: 'Allow',
                Action: 'execute-api:Invoke',
                Resource: methods.map((method) => `${stageArn}/${method}/*`),
              },
            ],
    },
    context: { ...request.context },
  };
}
