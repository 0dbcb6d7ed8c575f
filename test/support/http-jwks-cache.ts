import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

/**
 * A JWKS cache for aws-jwt-verify that fetches with plain fetch: its own fetcher is HTTPS-only
 * (node:https), and the local OIDC issuer listens on http://127.0.0.1.
 */
export function httpJwksCache(): SimpleJwksCache {
  return new SimpleJwksCache({
    fetcher: {
      fetch: async (uri) => {
        const response = await fetch(uri);
        if (response.status !== 200) throw new Error(`GET ${uri} answered ${response.status}`);
        return await response.arrayBuffer();
      },
    },
  });
}
