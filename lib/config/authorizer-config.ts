import * as z from 'zod/mini';
// infra/journal-api.ts parses this schema itself, at synth: English messages there too.
import './zod-english.ts';

const list = (what: string) =>
  z
    .pipe(
      z.string(),
      z.transform((value) =>
        value
          .split(/[\s,]+/)
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      ),
    )
    .check(z.describe(what));

// https everywhere but loopback: a JWKS fetched over plain HTTP from anywhere else could be swapped.
const issuerUrl = z
  .url()
  .check(
    z.refine(
      (url) =>
        url.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(url),
      'must be an https URL (http only on loopback, for the local issuer)',
    ),
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
    JOURNAL_JWT_AUDIENCE: z._default(list('audiences'), []),
    /** The `client_id` values accepted (access tokens of Cognito, Okta, Auth0 carry one). */
    JOURNAL_JWT_CLIENT_IDS: z._default(list('client ids'), []),
    /** Where the keys are; default: the issuer's discovery document's jwks_uri. */
    JOURNAL_JWT_JWKS_URI: z.optional(issuerUrl),
    /** The claim that holds the caller's permissions: `scope` (OAuth), `scp`, `roles`, `groups`... */
    JOURNAL_JWT_PERMISSIONS_CLAIM: z
      .string()
      .check(z.regex(/^[A-Za-z0-9_:.\-/]{1,128}$/, 'must be a claim name')),
    JOURNAL_JWT_READ_SCOPES: z.pipe(
      list('scopes that allow the read routes'),
      z.array(z.string()).check(z.minLength(1)),
    ),
    JOURNAL_JWT_WRITE_SCOPES: z.pipe(
      list('scopes that allow the write routes'),
      z.array(z.string()).check(z.minLength(1)),
    ),
    JOURNAL_JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().check(z.int(), z.gte(0), z.lte(300)),
  })
  .check(
    z.refine((env) => env.JOURNAL_JWT_AUDIENCE.length > 0 || env.JOURNAL_JWT_CLIENT_IDS.length > 0, {
      message: 'JOURNAL_JWT_AUDIENCE or JOURNAL_JWT_CLIENT_IDS must name at least one value',
      path: ['JOURNAL_JWT_AUDIENCE'],
    }),
  );

export type AuthorizerEnv = z.output<typeof AuthorizerEnv>;
