import type { Fetcher } from 'aws-jwt-verify/https';
import * as z from 'zod/mini';
import { fetchJson } from './http-fetcher.ts';

const DiscoveryDocument = z.object({ issuer: z.string(), jwks_uri: z.url() });

/**
 * Where an issuer publishes its keys, from its OpenID Connect discovery document
 * (`<issuer>/.well-known/openid-configuration`, OIDC Discovery 1.0 section 4). The document must
 * name the same issuer (section 4.3: "MUST be identical"), else it is someone else's.
 */
export async function discoverJwksUri(fetcher: Fetcher, issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const document = DiscoveryDocument.parse(await fetchJson(fetcher, url));
  if (document.issuer !== issuer) {
    throw new Error(`${url} names issuer ${document.issuer}, not ${issuer}`);
  }
  return document.jwks_uri;
}
