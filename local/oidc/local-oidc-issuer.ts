/**
 * A stand-in OpenID Connect issuer for the local stack in `jwt` authorization mode. The deployed
 * API's bearer-token authorizer trusts one issuer: it fetches `<issuer>/.well-known/openid-configuration`,
 * takes the keys from its `jwks_uri`, and checks each token's signature, `iss`, `aud`, `exp`/`nbf`
 * and `sub`. Locally that issuer is this server, so the same authorizer code runs unchanged:
 *
 *   GET  <issuer>/.well-known/openid-configuration   the discovery document (OIDC Discovery 1.0)
 *   GET  <issuer>/.well-known/jwks.json              the public key (RFC 7517), never a private part
 *   POST <issuer>/token                              a local-only convenience: JSON or a form
 *        {scope: "journal.read journal.write", sub?, expiresInSeconds?} -> an access token
 *        {access_token, token_type: "Bearer", expires_in, scope}; no client authentication, so it
 *        must never listen beyond the loopback interface of a developer's machine.
 *
 * The issuer URL is `http://<host>:<port>` with no trailing slash (plus `issuerPath` when given).
 * Tokens are RFC 9068 JWT access tokens: header `{alg: RS256, kid, typ: at+jwt}`, claims `iss`, `sub`
 * (default `local-operator`), `aud`, `iat`, `nbf` (only when asked for), `exp` (default one hour),
 * `scope` (space-separated, as OAuth sends it), `jti` and `client_id: hive-ui-local`.
 *
 * The RS256 key pair is generated at each start and kept in memory, the private key not even
 * extractable: nothing to leak to disk, and a restart revokes every token it minted.
 */
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { PROBLEM_CONTENT_TYPE } from '../../lib/http/problem-response.ts';
import { type LocalOidcIssuerOptions, parseLocalOidcIssuerOptions } from './local-oidc-options.ts';
import { parseTokenRequest, TokenRequestError } from './token-request.ts';
import { ALGORITHM, createTokenSigner, DEFAULT_LIFETIME_SECONDS, type TokenClaims } from './token-signer.ts';

export type { TokenClaims } from './token-signer.ts';

export interface LocalOidcIssuer {
  /** e.g. `http://127.0.0.1:4600`: the `iss` of its tokens and the authorizer's JOURNAL_JWT_ISSUER. */
  readonly issuerUrl: string;
  readonly jwksUri: string;
  readonly discoveryUrl: string;
  readonly tokenEndpoint: string;
  readonly audience: string;
  /** Signs a token with the issuer's key. */
  mintToken(claims?: TokenClaims): Promise<string>;
  stop(): Promise<void>;
}

export { LOCAL_OIDC_CLIENT_ID } from './token-signer.ts';

/** A token request is a few hundred bytes. */
const MAX_BODY_BYTES = 16 * 1024;

/** Starts the local OIDC issuer (see the top of this file); resolves once it listens. */
export async function startLocalOidcIssuer(
  options: LocalOidcIssuerOptions,
  /** The key pair to sign with; default one generated now. Tests pass one they can share. */
  keys?: { readonly privateKey: CryptoKey; readonly publicKey: CryptoKey },
): Promise<LocalOidcIssuer> {
  const { host = '127.0.0.1', port = 0, audience, issuerPath = '' } = parseLocalOidcIssuerOptions(options);
  const { privateKey, publicKey } = keys ?? (await generateKeyPair(ALGORITHM, { extractable: false }));
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  // Only the public members, named: a JWKS must never carry d, p, q, dp, dq or qi.
  const jwk: JWK = { kty: exported.kty, n: exported.n, e: exported.e, kid, alg: ALGORITHM, use: 'sig' };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      console.error('local OIDC issuer:', error);
      if (!response.headersSent) sendProblem(response, 500, 'server_error', 'the issuer failed');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;
  const issuerUrl = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}${issuerPath}`;
  const discoveryUrl = `${issuerUrl}/.well-known/openid-configuration`;
  const jwksUri = `${issuerUrl}/.well-known/jwks.json`;
  const tokenEndpoint = `${issuerUrl}/token`;
  const discovery = {
    issuer: issuerUrl,
    jwks_uri: jwksUri,
    token_endpoint: tokenEndpoint,
    response_types_supported: ['token'],
    grant_types_supported: ['client_credentials'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [ALGORITHM],
    token_endpoint_auth_methods_supported: ['none'],
    // No scopes_supported: the issuer mints whatever scope it is asked for.
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'scope', 'jti', 'client_id'],
  };

  const { mintToken } = createTokenSigner({ issuerUrl, audience, privateKey, kid });

  const routes = new Map<string, { method: string; answer: (request: IncomingMessage) => Promise<unknown> }>([
    [new URL(discoveryUrl).pathname, { method: 'GET', answer: async () => discovery }],
    [new URL(jwksUri).pathname, { method: 'GET', answer: async () => ({ keys: [jwk] }) }],
    [
      new URL(tokenEndpoint).pathname,
      {
        method: 'POST',
        answer: async (request) => {
          const {
            scope,
            sub,
            expiresInSeconds = DEFAULT_LIFETIME_SECONDS,
          } = parseTokenRequest(request.headers['content-type'], await readBody(request));
          return {
            access_token: await mintToken({ scope, ...(sub === undefined ? {} : { sub }), expiresInSeconds }),
            token_type: 'Bearer',
            expires_in: expiresInSeconds,
            scope: scope.join(' '),
          };
        },
      },
    ],
  ]);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const route = routes.get(new URL(request.url ?? '/', 'http://issuer').pathname);
    if (route === undefined) {
      sendProblem(response, 404, 'invalid_request', `nothing at ${request.method} ${request.url}`);
      return;
    }
    if (request.method !== route.method) {
      response.setHeader('allow', route.method);
      sendProblem(response, 405, 'invalid_request', `use ${route.method}`);
      return;
    }
    try {
      const body = await route.answer(request);
      // RFC 6749 section 5.1: token responses are not to be cached.
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      sendProblem(response, error.status, error.error, error.message);
    }
  }

  return {
    issuerUrl,
    jwksUri,
    discoveryUrl,
    tokenEndpoint,
    audience,
    mintToken,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The body as text; a TokenRequestError (413) past MAX_BODY_BYTES, once drained so it can be answered. */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) {
    throw new TokenRequestError(413, 'invalid_request', `the body is over ${MAX_BODY_BYTES} bytes`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An RFC 9457 problem, with the OAuth error code as an extension member for OAuth clients. */
function sendProblem(response: ServerResponse, status: number, error: string, detail: string): void {
  response.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' });
  response.end(JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status], status, detail, error }));
}
