import type { Fetcher } from 'aws-jwt-verify/https';

/** How long a key or discovery fetch may take: the authorizer itself has a few seconds. */
const FETCH_TIMEOUT_MS = 3000;
/** A JWKS or a discovery document is a few KB; more is not one. */
const MAX_DOCUMENT_BYTES = 512 * 1024;

/** The issuer's keys or metadata could not be had: the service's problem, never the token's. */
export class KeyFetchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyFetchError';
  }
}

/**
 * aws-jwt-verify's Fetcher over the runtime's fetch: bounded in time and size, any status but 200
 * an error. (Its own fetcher is HTTPS-only through node:https; this one also reaches the local
 * issuer on loopback, and the config refuses http anywhere else.)
 */
export const httpFetcher: Fetcher = {
  fetch: async (uri: string) => {
    const response = await fetch(uri, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: 'application/json' },
      redirect: 'error',
    });
    if (response.status !== 200) throw new Error(`GET ${uri} answered ${response.status}`);
    const body = await response.arrayBuffer();
    if (body.byteLength > MAX_DOCUMENT_BYTES)
      throw new Error(`GET ${uri} answered over ${MAX_DOCUMENT_BYTES} bytes`);
    return body;
  },
};

/** Fetches and parses a JSON document with the same bounds. */
export async function fetchJson(fetcher: Fetcher, uri: string): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode(await fetcher.fetch(uri)));
}
