import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { httpFetcher } from '../../lib/auth/http-fetcher.ts';

/**
 * A JWKS cache for aws-jwt-verify over the authorizer's own fetcher: aws-jwt-verify's is HTTPS-only
 * (node:https), and the local OIDC issuer listens on http://127.0.0.1.
 */
export function httpJwksCache(): SimpleJwksCache {
  return new SimpleJwksCache({ fetcher: httpFetcher });
}
