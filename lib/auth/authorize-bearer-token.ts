import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { bearerTokenOf } from './bearer-token.ts';
import type { BearerTokenVerifier } from './bearer-token-verifier.ts';
import { routePolicy } from './route-policy.ts';

/**
 * The caller is not authenticated. A Lambda authorizer signals 401 by failing with exactly this
 * message ("Use API Gateway Lambda authorizers": `callback("Unauthorized")`); any other failure is
 * a 500 AuthorizerConfigurationException.
 */
export class UnauthorizedError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super('Unauthorized');
    this.name = 'UnauthorizedError';
    this.reason = reason;
  }
}

/** What the API functions read from `requestContext.authorizer` (lib/http/http-request.ts). */
export interface AuthorizerContext extends Record<string, string> {
  /** The token's subject: the actor of write routes and audit events. */
  readonly actor: string;
  /** `read`, `write` or `read write`. */
  readonly access: string;
}

/**
 * Decides a TOKEN authorizer request: 401 for a missing, malformed or invalid token; a policy
 * allowing the route families the token's permissions open (none open: an explicit deny, 403).
 */
export async function authorizeBearerToken(
  verifier: BearerTokenVerifier,
  request: { readonly authorizationToken: string | undefined; readonly methodArn: string },
): Promise<APIGatewayAuthorizerResult> {
  const token = bearerTokenOf(request.authorizationToken);
  if (token === null) throw new UnauthorizedError('not a bearer token');
  const verdict = await verifier.verify(token);
  if (!verdict.valid) throw new UnauthorizedError(verdict.reason);
  const { caller } = verdict;
  const context: AuthorizerContext = {
    actor: caller.subject,
    access: [caller.access.read ? 'read' : '', caller.access.write ? 'write' : ''].filter(Boolean).join(' '),
  };
  return routePolicy({
    methodArn: request.methodArn,
    principalId: caller.subject,
    access: caller.access,
    context,
  });
}
