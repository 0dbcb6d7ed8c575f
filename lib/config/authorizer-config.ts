import * as z from 'zod';

const list = (what: string) =>
  z
    .string()
    .transform((value) =>
      value
        .split(/[\s,]+/)
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    )
    .describe(what);

// https everywhere but loopback: a JWKS fetched over plain HTTP from anywhere else could be swapped.
const issuerUrl = z
  .url()
  .refine(
    (url) =>
      url.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(url),
    'must be an https URL (http only on loopback, for the local issuer)',
  );

/**
 * The bearer-token authorizer's environment (infra/journal-api.ts sets it from the `jwt`
 * authorization). Issuer and audience are required: a verifier that checks neither accepts any
 * token some issuer signed.
 */
export const AuthorizerEnv = z
  .object({
    JOURNAL_JWT_ISSUER: issuerUrl,
    /** The `aud` values accepted (any one); empty when only client ids are checked. */
    JOURNAL_JWT_AUDIENCE: list('audiences').default([]),
    /** The `client_id` values accepted (access tokens of Cognito, Okta, Auth0 carry one). */
    JOURNAL_JWT_CLIENT_IDS: list('client ids').default([]),
    /** Where the keys are; default: the issuer's discovery document's jwks_uri. */
    JOURNAL_JWT_JWKS_URI: issuerUrl.optional(),
    /** The claim that holds the caller's permissions: `scope` (OAuth), `scp`, `roles`, `groups`... */
    JOURNAL_JWT_PERMISSIONS_CLAIM: z.string().regex(/^[A-Za-z0-9_:.\-/]{1,128}$/, 'must be a claim name'),
    JOURNAL_JWT_READ_SCOPES: list('scopes that allow the read routes').pipe(z.array(z.string()).min(1)),
    JOURNAL_JWT_WRITE_SCOPES: list('scopes that allow the write routes').pipe(z.array(z.string()).min(1)),
    JOURNAL_JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300),
  })
  .refine((env) => env.JOURNAL_JWT_AUDIENCE.length > 0 || env.JOURNAL_JWT_CLIENT_IDS.length > 0, {
    message: 'JOURNAL_JWT_AUDIENCE or JOURNAL_JWT_CLIENT_IDS must name at least one value',
    path: ['JOURNAL_JWT_AUDIENCE'],
  });

export type AuthorizerEnv = z.output<typeof AuthorizerEnv>;
