import { randomUUID } from 'node:crypto';
import { type CryptoKey, SignJWT } from 'jose';

/** What a minted token says; anything left out gets the issuer's default. */
export interface TokenClaims {
  /** Becomes the space-separated `scope` claim; none: no `scope` claim. */
  readonly scope?: readonly string[];
  /** Default `local-operator`. */
  readonly sub?: string;
  /** Default the issuer's audience. */
  readonly audience?: string | readonly string[];
  /** `exp` = `iat` + this; default 3600. Negative makes a token that expired already (tests). */
  readonly expiresInSeconds?: number;
  /** `nbf` = `iat` + this; absent: no `nbf` claim. */
  readonly notBeforeSeconds?: number;
  /** Set last, over the claims above: a value `undefined` removes that claim (tests of bad tokens). */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
  /** `iat` in seconds since the epoch; default now. */
  readonly issuedAt?: number;
}

/** The `client_id` of every token: the local stack's only client. */
export const LOCAL_OIDC_CLIENT_ID = 'hive-ui-local';
export const ALGORITHM = 'RS256';
export const DEFAULT_LIFETIME_SECONDS = 3600;
const DEFAULT_SUBJECT = 'local-operator';

/** Mints the local issuer's access tokens (RFC 9068 JWTs) with one RS256 key. */
export interface TokenSigner {
  mintToken(claims?: TokenClaims): Promise<string>;
}

/** A signer for an issuer URL and audience; the local issuer and the tests' token minting share it. */
export function createTokenSigner(options: {
  readonly issuerUrl: string;
  readonly audience: string;
  readonly privateKey: CryptoKey;
  readonly kid: string;
}): TokenSigner {
  const { issuerUrl, audience, privateKey, kid } = options;
  return {
    mintToken: async (claims: TokenClaims = {}) => {
      const iat = claims.issuedAt ?? Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss: issuerUrl,
        sub: claims.sub ?? DEFAULT_SUBJECT,
        aud: claims.audience ?? audience,
        iat,
        ...(claims.notBeforeSeconds === undefined ? {} : { nbf: iat + claims.notBeforeSeconds }),
        exp: iat + (claims.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS),
        ...(claims.scope === undefined || claims.scope.length === 0 ? {} : { scope: claims.scope.join(' ') }),
        jti: randomUUID(),
        client_id: LOCAL_OIDC_CLIENT_ID,
        ...claims.extraClaims,
      };
      return new SignJWT(payload).setProtectedHeader({ alg: ALGORITHM, kid, typ: 'at+jwt' }).sign(privateKey);
    },
  };
}
