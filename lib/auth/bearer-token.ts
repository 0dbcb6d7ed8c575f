// RFC 6750 section 2.1: "Bearer" (the scheme is case-insensitive, RFC 9110 section 11.1), one space,
// then a b64token. A JWT is three base64url parts, so anything else is refused before any crypto.
const BEARER = /^bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/** The largest token considered: API Gateway caps a header at 10 KB; real access tokens are ~1-2 KB. */
export const MAX_TOKEN_CHARS = 8192;

/** The token of an `Authorization: Bearer <token>` header value, or null when it is not one. */
export function bearerTokenOf(authorization: string | undefined | null): string | null {
  if (typeof authorization !== 'string' || authorization.length > MAX_TOKEN_CHARS + 7) return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}
