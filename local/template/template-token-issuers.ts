import type { TemplateFunctionSpec } from './template-functions.ts';

/** The bearer-token issuer a template's authorizer function trusts. */
export interface TemplateTokenIssuer {
  /** The authorizer function's logical id. */
  readonly logicalId: string;
  readonly issuerUrl: string;
  /** The audience its tokens must carry (the first the authorizer accepts), if it checks one. */
  readonly audience: string | undefined;
  /** The client id its tokens must carry (the first accepted), if it checks one. */
  readonly clientId: string | undefined;
  /** http on loopback: an issuer this machine must provide (the local OIDC issuer). */
  readonly local: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The issuers of the template's bearer-token authorizers (functions/authorizer.ts), read from their
 * environment (lib/config/authorizer-config.ts). An issuer on loopback cannot be an identity
 * provider in AWS; it is the one `npm start` runs.
 */
export function templateTokenIssuers(functions: readonly TemplateFunctionSpec[]): TemplateTokenIssuer[] {
  const issuers: TemplateTokenIssuer[] = [];
  for (const spec of functions) {
    const issuerUrl = spec.environment.JOURNAL_JWT_ISSUER;
    if (issuerUrl === undefined) continue;
    const first = (name: string) =>
      (spec.environment[name] ?? '')
        .split(',')
        .map((value) => value.trim())
        .find((value) => value !== '');
    const url = URL.canParse(issuerUrl) ? new URL(issuerUrl) : undefined;
    issuers.push({
      logicalId: spec.logicalId,
      issuerUrl,
      audience: first('JOURNAL_JWT_AUDIENCE'),
      clientId: first('JOURNAL_JWT_CLIENT_IDS'),
      local: url !== undefined && url.protocol === 'http:' && LOOPBACK.has(url.hostname),
    });
  }
  return issuers;
}
