import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import type { LocalUserPools } from '../cognito/local-user-pools.ts';
import { restApiClaims } from './cognito-claims.ts';
import { gatewayErrors } from './gateway-error.ts';
import type { CognitoAuthorizerModel, RestApiModel } from './rest-api-model.ts';

export interface CognitoAuthorizationRequest {
  readonly authorizer: CognitoAuthorizerModel;
  /** The method's AuthorizationScopes. */
  readonly scopes: readonly string[];
  /** The value of the authorizer's token header; undefined when the request lacks it. */
  readonly token: string | undefined;
}

/** Authorizes one request; resolves to `requestContext.authorizer`: `{ claims }`. */
export type CognitoAuthorizer = (request: CognitoAuthorizationRequest) => {
  readonly claims: Record<string, string>;
};

/** Every user pool the API's Cognito authorizers name, once each. */
export function userPoolIdsOf(model: RestApiModel): string[] {
  const ids = [...model.authorizers.values()].flatMap((authorizer) =>
    authorizer.type === 'COGNITO_USER_POOLS' ? authorizer.userPoolIds : [],
  );
  return [...new Set(ids)];
}

/**
 * Verifies user pool tokens as API Gateway's COGNITO_USER_POOLS authorizer does ("Integrate a REST
 * API with an Amazon Cognito user pool"): a method without AuthorizationScopes takes an ID token
 * ("If you do not configure any Authorization scopes, API Gateway treats the supplied token as an
 * identity token"), a method with scopes an access token, and "the method call succeeds if any scope
 * that's specified on the method ... matches a scope that's claimed in the incoming token.
 * Otherwise, the call fails with a 401 Unauthorized response". The token must be signed by a key of
 * one of the authorizer's pools, name that pool as `iss` and not be expired; the app client is not
 * checked (any client of the pool). Every refusal is 401: `{"message":"The incoming token has expired"}`
 * past `exp`, `{"message":"Unauthorized"}` otherwise (no token, not a JWT, wrong pool or key, alg
 * other than RS256, wrong token kind or scope).
 *
 * The token is the header's value, or what follows `Bearer ` in it: API Gateway takes both (AWS's own
 * guides send `Authorization: Bearer <token>`; others send the bare token). Verification is
 * aws-jwt-verify's, the pools' JWKS loaded into it, so nothing is fetched. Unlike API Gateway, which
 * keeps a decision for AuthorizerResultTtlInSeconds, every request is verified: a token that expires
 * within the TTL is refused at once here.
 */
export function createCognitoAuthorizer(
  authorizers: Iterable<CognitoAuthorizerModel>,
  userPools: LocalUserPools,
): CognitoAuthorizer {
  const verifiers = new Map(
    [...authorizers].map((authorizer) => [
      authorizer.id,
      {
        id: verifierOf(authorizer.userPoolIds, 'id', userPools),
        access: verifierOf(authorizer.userPoolIds, 'access', userPools),
      },
    ]),
  );
  return ({ authorizer, scopes, token }) => {
    if (token === undefined || token === '') {
      throw gatewayErrors.unauthorized(`Unauthorized request: no ${authorizer.tokenHeader} header`);
    }
    const jwt = token.startsWith('Bearer ') ? token.slice('Bearer '.length) : token;
    const verifier = verifiers.get(authorizer.id);
    if (!verifier) throw new Error(`the Cognito authorizer ${authorizer.id} was not set up`);
    try {
      const payload =
        scopes.length === 0
          ? verifier.id.verifySync(jwt)
          : verifier.access.verifySync(jwt, { scope: [...scopes] });
      return { claims: restApiClaims(payload) };
    } catch (error) {
      if (error instanceof JwtExpiredError)
        throw gatewayErrors.tokenExpired(`Unauthorized request: ${error.message}`);
      // aws-jwt-verify's errors, and the RangeError it throws formatting an exp or nbf beyond Date's
      // range: all say the token is not one the pool issued.
      throw gatewayErrors.unauthorized(`Unauthorized request: ${(error as Error).message}`);
    }
  };
}

function verifierOf(poolIds: readonly string[], tokenUse: 'id' | 'access', userPools: LocalUserPools) {
  const verifier = CognitoJwtVerifier.create(
    poolIds.map((userPoolId) => ({
      userPoolId,
      tokenUse,
      clientId: null,
      // Every token a pool issues has an exp and a sub (aws-jwt-verify checks exp only when present):
      // one without them was not issued by the pool.
      customJwtCheck: ({ payload }: { payload: { exp?: unknown; sub?: unknown } }) => {
        if (typeof payload.exp !== 'number') throw new NotIssuedByPoolError('the token has no exp');
        if (typeof payload.sub !== 'string' || payload.sub === '') {
          throw new NotIssuedByPoolError('the token has no sub');
        }
      },
    })),
  );
  for (const poolId of poolIds) verifier.cacheJwks({ keys: [...userPools.pool(poolId).jwks.keys] }, poolId);
  return verifier;
}

class NotIssuedByPoolError extends Error {}
