import { JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { AuthorizerEnv } from '../config/authorizer-config.ts';
import { KeyFetchError } from './http-fetcher.ts';
import { discoverJwksUri } from './issuer-jwks-uri.ts';
import { accessOf, permissionsOf, type RouteAccess } from './token-permissions.ts';

/** Who a valid token speaks for, and what it may do. */
export interface VerifiedCaller {
  readonly subject: string;
  readonly permissions: readonly string[];
  readonly access: RouteAccess;
}

/** A token's verdict: a caller, or why it was refused (for the log, never for the caller). */
export type TokenVerdict =
  | { readonly valid: true; readonly caller: VerifiedCaller }
  | { readonly valid: false; readonly reason: string };

export interface BearerTokenVerifier {
  /** Resolves to the verdict; rejects only when the keys cannot be had (the issuer is down). */
  verify(token: string): Promise<TokenVerdict>;
}

class TokenRefusedError extends Error {}

const MAX_SUBJECT_CHARS = 256;

/**
 * Verifies bearer tokens of one OIDC issuer with aws-jwt-verify: signature by a key of the issuer's
 * JWKS (asymmetric algorithms only: RS/PS, ES, EdDSA; `alg: none` and HMAC never verify), `iss`,
 * `aud` or `client_id`, `exp` and `nbf` within the clock tolerance, a `sub`. The JWKS is fetched
 * once and again only for an unknown `kid` (rate-limited by aws-jwt-verify's penalty box).
 */
export function createBearerTokenVerifier(config: AuthorizerEnv, fetcher: Fetcher): BearerTokenVerifier {
  const jwksCache = new SimpleJwksCache({ fetcher });
  let verifier: Promise<ReturnType<typeof build>> | undefined;
  const build = (jwksUri: string) =>
    JwtVerifier.create(
      {
        issuer: config.JOURNAL_JWT_ISSUER,
        jwksUri,
        audience: config.JOURNAL_JWT_AUDIENCE.length > 0 ? config.JOURNAL_JWT_AUDIENCE : null,
        graceSeconds: config.JOURNAL_JWT_CLOCK_TOLERANCE_SECONDS,
        customJwtCheck: ({ payload }) => {
          const clientIds = config.JOURNAL_JWT_CLIENT_IDS;
          if (clientIds.length > 0 && !clientIds.includes(payload.client_id as string)) {
            throw new TokenRefusedError('client_id is not one of the accepted client ids');
          }
          // aws-jwt-verify checks exp only when present; an access token must have one (RFC 9068).
          if (typeof payload.exp !== 'number') throw new TokenRefusedError('exp is missing');
          const subject = payload.sub;
          if (typeof subject !== 'string' || subject === '' || subject.length > MAX_SUBJECT_CHARS) {
            throw new TokenRefusedError('sub is missing or not a bounded string');
          }
        },
      },
      { jwksCache },
    );
  const verifierOnce = () => {
    verifier ??= (
      config.JOURNAL_JWT_JWKS_URI
        ? Promise.resolve(config.JOURNAL_JWT_JWKS_URI)
        : discoverJwksUri(fetcher, config.JOURNAL_JWT_ISSUER)
    )
      .then(build)
      .catch((error: unknown) => {
        verifier = undefined; // the next request tries the discovery again
        throw error;
      });
    return verifier;
  };
  return {
    async verify(token) {
      const jwt = await verifierOnce();
      try {
        const payload = await jwt.verify(token);
        const permissions = permissionsOf(payload, config.JOURNAL_JWT_PERMISSIONS_CLAIM);
        return {
          valid: true,
          caller: {
            subject: payload.sub as string,
            permissions,
            access: accessOf(permissions, {
              readScopes: config.JOURNAL_JWT_READ_SCOPES,
              writeScopes: config.JOURNAL_JWT_WRITE_SCOPES,
            }),
          },
        };
      } catch (error) {
        // Only a failed key fetch is ours to surface (a 500 from API Gateway). Everything else came
        // from the token: aws-jwt-verify's errors, ours, and the RangeError it throws describing
        // an exp or nbf out of Date's range.
        if (error instanceof KeyFetchError) throw error;
        return {
          valid: false,
          reason: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300),
        };
      }
    },
  };
}
