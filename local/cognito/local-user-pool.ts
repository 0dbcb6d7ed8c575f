/**
 * A stand-in for one Amazon Cognito user pool: its signing key, its issuer and JWKS, and tokens
 * shaped as the pool issues them. It has no users, app clients, hosted UI or endpoints; a test or
 * the CLI mints the token a signed-in user would hold, and the local API Gateway verifies it against
 * the JWKS as API Gateway verifies against the pool's `/.well-known/jwks.json`.
 *
 * Token shapes follow "Understanding the access token" and "Understanding the identity (ID) token"
 * (Amazon Cognito Developer Guide): header `{kid, alg: RS256}`; an access token carries `sub`,
 * `cognito:groups` (when in groups), `iss`, `version`, `client_id`, `origin_jti`, `event_id`,
 * `token_use: access`, `scope` (space-separated), `auth_time`, `exp`, `iat`, `jti`, `username`; an
 * ID token `sub`, `cognito:groups`, `email_verified`, `iss`, `cognito:username`, `origin_jti`, `aud`
 * (the app client id), `event_id`, `token_use: id`, `auth_time`, `exp`, `iat`, `jti`, `email`.
 * Both are valid for an hour, Cognito's default.
 */
import { randomUUID } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

const ALGORITHM = 'RS256' as const;
/** "By default, ... access tokens and ID tokens expire after one hour" (user pool app clients). */
const DEFAULT_LIFETIME_SECONDS = 3600;

export interface UserPoolKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** A pool's public key, as Cognito publishes it: only the public members. */
export type UserPoolJwk = {
  readonly alg: 'RS256';
  readonly e: string;
  readonly kid: string;
  readonly kty: 'RSA';
  readonly n: string;
  readonly use: 'sig';
};

/** The public keys of a pool, as its `/.well-known/jwks.json` serves them. */
export type UserPoolJwks = { readonly keys: readonly UserPoolJwk[] };

/** What every minted token may set beyond its kind's own claims. */
interface TokenTiming {
  /** `exp` = `iat` + this; default 3600. Negative: a token that expired already. */
  readonly expiresInSeconds?: number;
  /** `iat` and `auth_time`, in seconds since the epoch; default now. */
  readonly issuedAt?: number;
  /** Set last, over every other claim: a value `undefined` removes that claim. */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
}

export interface AccessTokenOptions extends TokenTiming {
  readonly sub: string;
  /** Becomes the space-separated `scope` claim (resource server scopes: `journal/read`). */
  readonly scope: readonly string[];
  /** The app client the token was issued to (`client_id`). */
  readonly clientId: string;
  /** `username`; default `sub` (a pool signing in with an email alias names users by their sub). */
  readonly username?: string;
  /** `cognito:groups`; absent or empty: no such claim, as for a user in no group. */
  readonly groups?: readonly string[];
}

export interface IdTokenOptions extends TokenTiming {
  readonly sub: string;
  /** The app client the token was issued to (`aud`). */
  readonly audience: string;
  /** `cognito:username`; default `sub`. */
  readonly username?: string;
  /** `email`, with `email_verified` (default true); absent: neither claim. */
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly groups?: readonly string[];
}

export interface LocalUserPool {
  /** `us-east-1_AbC123`. */
  readonly poolId: string;
  /** The region the id names (`us-east-1`). */
  readonly region: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>`: the `iss` of the pool's tokens. */
  readonly issuer: string;
  /** Where the real pool serves its keys (nothing serves them locally). */
  readonly jwksUri: string;
  readonly jwks: UserPoolJwks;
  mintAccessToken(options: AccessTokenOptions): Promise<string>;
  mintIdToken(options: IdTokenOptions): Promise<string>;
}

/**
 * A pool with an RS256 key pair generated now (the private key not extractable) or the one given.
 * Throws for an id that is not a user pool id (`<region>_<letters and digits>`).
 */
export async function createLocalUserPool(poolId: string, keys?: UserPoolKeyPair): Promise<LocalUserPool> {
  // aws-jwt-verify's own parsing: the pool's issuer is exactly what its verifier expects.
  const { issuer, jwksUri } = CognitoJwtVerifier.parseUserPoolId(poolId);
  const region = poolId.slice(0, poolId.indexOf('_'));
  const { privateKey, publicKey } = keys ?? (await generateKeyPair(ALGORITHM, { extractable: false }));
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  if (exported.kty !== 'RSA' || exported.n === undefined || exported.e === undefined) {
    throw new Error(`the key of user pool ${poolId} is not an RSA key`);
  }
  // Only the public members, named: a JWKS must never carry a private part.
  const jwk: UserPoolJwk = { alg: ALGORITHM, e: exported.e, kid, kty: 'RSA', n: exported.n, use: 'sig' };
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ kid, alg: ALGORITHM }).sign(privateKey);
  const times = (options: TokenTiming) => {
    const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
    return { auth_time: iat, exp: iat + (options.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS), iat };
  };
  const groupsClaim = (groups: readonly string[] | undefined) =>
    groups && groups.length > 0 ? { 'cognito:groups': [...groups] } : {};
  return {
    poolId,
    region,
    issuer,
    jwksUri,
    jwks: { keys: [jwk] },
    mintAccessToken: (options) =>
      sign({
        sub: options.sub,
        ...groupsClaim(options.groups),
        iss: issuer,
        version: 2,
        client_id: options.clientId,
        origin_jti: randomUUID(),
        event_id: randomUUID(),
        token_use: 'access',
        scope: options.scope.join(' '),
        ...times(options),
        jti: randomUUID(),
        username: options.username ?? options.sub,
        ...options.extraClaims,
      }),
    mintIdToken: (options) =>
      sign({
        sub: options.sub,
        ...groupsClaim(options.groups),
        ...(options.email === undefined ? {} : { email_verified: options.emailVerified ?? true }),
        iss: issuer,
        'cognito:username': options.username ?? options.sub,
        origin_jti: randomUUID(),
        aud: options.audience,
        event_id: randomUUID(),
        token_use: 'id',
        ...times(options),
        jti: randomUUID(),
        ...(options.email === undefined ? {} : { email: options.email }),
        ...options.extraClaims,
      }),
  };
}
