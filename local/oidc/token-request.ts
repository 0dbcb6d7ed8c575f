import * as z from 'zod';

/** What a POST /token asks the local issuer for. */
export interface TokenRequest {
  readonly scope: readonly string[];
  readonly sub?: string;
  /** Clamped to [1, MAX_TOKEN_LIFETIME_SECONDS]. */
  readonly expiresInSeconds?: number;
}

/** A token request the local issuer refuses; `error` is the OAuth 2.0 error code (RFC 6749 5.2). */
export class TokenRequestError extends Error {
  readonly status: number;
  readonly error: string;
  constructor(status: number, error: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.error = error;
  }
}

/** One day: a local token outliving a working day is a token someone forgot about. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
const MAX_SCOPE_CHARS = 1024;

// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by spaces.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const Body = z.strictObject({
  scope: z.string().max(MAX_SCOPE_CHARS).optional(),
  sub: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\p{Cc}]+$/u, 'must not hold control characters')
    .optional(),
  // A form sends text; JSON may send either.
  expiresInSeconds: z
    .union([z.number(), z.string().regex(/^-?\d{1,15}$/, 'must be a whole number of seconds')])
    .transform(Number)
    .optional(),
  grant_type: z.literal('client_credentials').optional(),
});

/**
 * Parses a POST /token body: JSON or a form (`application/x-www-form-urlencoded`, as OAuth clients
 * send) with `scope` (space-separated), `sub` and `expiresInSeconds`. Unknown fields are refused, so
 * a misspelt `expires_in` is not silently a one-hour token.
 */
export function parseTokenRequest(contentType: string | undefined, body: string): TokenRequest {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  let fields: unknown;
  if (type === 'application/json') {
    try {
      fields = JSON.parse(body);
    } catch {
      throw new TokenRequestError(400, 'invalid_request', 'the body is not JSON');
    }
  } else if (type === 'application/x-www-form-urlencoded') {
    fields = formFields(new URLSearchParams(body));
  } else {
    throw new TokenRequestError(
      415,
      'invalid_request',
      'send application/json or application/x-www-form-urlencoded',
    );
  }
  const parsed = Body.safeParse(fields);
  if (!parsed.success) {
    throw new TokenRequestError(400, 'invalid_request', z.prettifyError(parsed.error).replace(/\n/g, '; '));
  }
  const { scope, sub, expiresInSeconds } = parsed.data;
  const scopes = scope === undefined ? [] : scope.split(' ').filter((token) => token !== '');
  const bad = scopes.find((token) => !SCOPE_TOKEN.test(token));
  if (bad !== undefined) {
    throw new TokenRequestError(
      400,
      'invalid_scope',
      `scope ${JSON.stringify(bad)} is not an OAuth scope token`,
    );
  }
  return {
    scope: [...new Set(scopes)],
    ...(sub === undefined ? {} : { sub }),
    ...(expiresInSeconds === undefined
      ? {}
      : {
          expiresInSeconds: Math.min(MAX_TOKEN_LIFETIME_SECONDS, Math.max(1, Math.floor(expiresInSeconds))),
        }),
  };
}

function formFields(params: URLSearchParams): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) throw new TokenRequestError(400, 'invalid_request', `${name} is given twice`);
    fields[name] = values[0] as string;
  }
  return fields;
}
