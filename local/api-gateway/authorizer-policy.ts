import { arnMatches } from './arn-pattern.ts';

/** What a Lambda authorizer's policy says of one method ARN. */
export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** A policy document API Gateway cannot read ("Could not parse policy" in the execution log). */
export class MalformedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPolicyError';
  }
}

/**
 * Evaluates the IAM policy a Lambda authorizer returned against the request's method ARN
 * (`arn:aws:execute-api:region:account:apiId/stage/METHOD/path`), as IAM does: any matching Deny
 * wins, else a matching Allow of execute-api:Invoke allows, else access is implicitly denied.
 * Actions match case-insensitively and Resources with `*` and `?` wildcards.
 */
export function evaluatePolicy(policyDocument: unknown, methodArn: string): PolicyDecision {
  if (typeof policyDocument !== 'object' || policyDocument === null) {
    throw new MalformedPolicyError('policyDocument is not an object');
  }
  const raw = (policyDocument as Record<string, unknown>).Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  let allowed = false;
  for (const statement of statements) {
    if (typeof statement !== 'object' || statement === null)
      throw new MalformedPolicyError('Statement is not an object');
    const { Effect, Action, Resource } = statement as Record<string, unknown>;
    if (Effect !== 'Allow' && Effect !== 'Deny')
      throw new MalformedPolicyError('Effect must be Allow or Deny');
    const actions = listOf(Action, 'Action');
    const resources = listOf(Resource, 'Resource');
    const applies =
      actions.some((action) => arnMatches(action.toLowerCase(), 'execute-api:invoke')) &&
      resources.some((resource) => arnMatches(resource, methodArn));
    if (applies && Effect === 'Deny') return 'explicit-deny';
    if (applies) allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function listOf(value: unknown, name: string): string[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || values.some((entry) => typeof entry !== 'string')) {
    throw new MalformedPolicyError(`${name} must be a string or a list of strings`);
  }
  return values as string[];
}
