import type { InvokeFunction } from '../lambda-runtime/invoke-outcome.ts';
import { evaluatePolicy, MalformedPolicyError } from './authorizer-policy.ts';
import { gatewayErrors } from './gateway-error.ts';
import { invokePermitted } from './lambda-permissions.ts';
import type { LambdaAuthorizerModel } from './rest-api-model.ts';

export interface AuthorizationRequest {
  readonly authorizer: LambdaAuthorizerModel;
  /** `arn:aws:execute-api:region:account:apiId/stage/METHOD/path` of the request. */
  readonly methodArn: string;
  /** Each identity source's value, in IdentitySource order; undefined when the request lacks it. */
  readonly identityValues: readonly (string | undefined)[];
  /** The event fields of a REQUEST authorizer: the proxy event without its body. */
  readonly requestEvent: () => Readonly<Record<string, unknown>>;
  readonly now: number;
}

/** Authorizes one request; resolves to `requestContext.authorizer` (principalId and context). */
export type LambdaAuthorizer = (request: AuthorizationRequest) => Promise<Record<string, string | number>>;

interface AuthorizerOutput {
  readonly principalId: string;
  readonly policyDocument: unknown;
  readonly context: Readonly<Record<string, string>>;
}

/**
 * Runs TOKEN and REQUEST Lambda authorizers as "Use API Gateway Lambda authorizers" describes:
 * a missing identity source, or a token failing IdentityValidationExpression, is 401 without calling
 * the function; the function failing with "Unauthorized" is 401, any other failure or an output
 * without principalId and policyDocument is 500 (AuthorizerConfigurationException); the output is
 * cached by identity source values for AuthorizerResultTtlInSeconds, and its policy is evaluated
 * against each request's method ARN (cached or not): Deny is 403 "... with an explicit deny",
 * no Allow is 403. Context values reach the integration as strings.
 */
export function createLambdaAuthorizer(options: {
  invoke: InvokeFunction;
  region: string;
  accountId: string;
  apiId: string;
}): LambdaAuthorizer {
  const cache = new Map<string, { output: AuthorizerOutput; expiresAt: number }>();
  return async ({ authorizer, methodArn, identityValues, requestEvent, now }) => {
    if (identityValues.some((value) => value === undefined || value === ''))
      throw gatewayErrors.unauthorized();
    const token = identityValues[0] as string;
    if (authorizer.validationExpression && !authorizer.validationExpression.test(token)) {
      throw gatewayErrors.unauthorized(
        'Unauthorized request: the token does not match IdentityValidationExpression',
      );
    }
    const key = JSON.stringify([authorizer.id, ...identityValues]);
    const cached = authorizer.resultTtlSeconds > 0 ? cache.get(key) : undefined;
    let output: AuthorizerOutput;
    let latencyMs = 0;
    if (cached && cached.expiresAt > now) {
      output = cached.output;
    } else {
      const sourceArn = `arn:aws:execute-api:${options.region}:${options.accountId}:${options.apiId}/authorizers/${authorizer.id}`;
      if (!invokePermitted(authorizer.invokePermission, sourceArn)) {
        throw gatewayErrors.authorizerConfiguration(
          `Execution failed due to configuration error: Invalid permissions on Lambda function ${authorizer.functionArn} for ${sourceArn}`,
        );
      }
      const event =
        authorizer.type === 'TOKEN'
          ? { type: 'TOKEN', authorizationToken: token, methodArn }
          : { type: 'REQUEST', methodArn, ...requestEvent() };
      const startedAt = Date.now();
      output = await invokeAuthorizer(options.invoke, authorizer.functionArn, event);
      latencyMs = Date.now() - startedAt;
      if (authorizer.resultTtlSeconds > 0) {
        cache.set(key, { output, expiresAt: now + authorizer.resultTtlSeconds * 1000 });
      }
    }
    const decision = decide(output.policyDocument, methodArn);
    if (decision !== 'allow') throw gatewayErrors.accessDenied(decision === 'explicit-deny');
    return { ...output.context, principalId: output.principalId, integrationLatency: latencyMs };
  };
}

async function invokeAuthorizer(
  invoke: InvokeFunction,
  functionArn: string,
  event: unknown,
): Promise<AuthorizerOutput> {
  const outcome = await invoke(functionArn, event).catch((error: unknown) => {
    throw gatewayErrors.authorizerFailure(
      `Execution failed: could not invoke the authorizer ${functionArn}: ${error}`,
    );
  });
  if (outcome.kind === 'failed') {
    // Only this exact message makes API Gateway answer 401.
    if (outcome.error.errorMessage === 'Unauthorized') throw gatewayErrors.unauthorized();
    throw gatewayErrors.authorizerFailure(
      `Execution failed due to configuration error: Authorizer error (${outcome.error.errorType}: ${outcome.error.errorMessage})`,
    );
  }
  const payload = outcome.payload as Record<string, unknown> | null;
  const context = payload?.context ?? {};
  const scalars =
    typeof context === 'object' &&
    context !== null &&
    Object.values(context).every((value) => ['string', 'number', 'boolean'].includes(typeof value));
  if (typeof payload?.principalId !== 'string' || payload.policyDocument === undefined || !scalars) {
    throw gatewayErrors.authorizerFailure(
      `Execution failed due to configuration error: Invalid JSON in response: ${JSON.stringify(payload)}`,
    );
  }
  return {
    principalId: payload.principalId,
    policyDocument: payload.policyDocument,
    context: Object.fromEntries(Object.entries(context).map(([name, value]) => [name, String(value)])),
  };
}

function decide(policyDocument: unknown, methodArn: string) {
  try {
    return evaluatePolicy(policyDocument, methodArn);
  } catch (error) {
    if (!(error instanceof MalformedPolicyError)) throw error;
    throw gatewayErrors.authorizerFailure(
      `Execution failed due to configuration error: Could not parse policy (${error.message})`,
    );
  }
}
