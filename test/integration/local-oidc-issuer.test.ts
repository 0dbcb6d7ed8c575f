import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalOidcIssuer, startLocalOidcIssuer } from '../../local/oidc/local-oidc-issuer.ts';
import { readLocalOidcIssuerOptions } from '../../local/oidc/local-oidc-options.ts';
import { httpJwksCache } from '../support/http-jwks-cache.ts';

const AUDIENCE = 'hive-journal-test';
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

let issuer: LocalOidcIssuer;

beforeAll(async () => {
  issuer = await startLocalOidcIssuer({ audience: AUDIENCE });
});

afterAll(async () => {
  await issuer.stop();
});

function verifierOf(options: { issuer: string; jwksUri: string }) {
  return JwtVerifier.create(
    { ...options, audience: AUDIENCE, graceSeconds: 5 },
    { jwksCache: httpJwksCache() },
  );
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function postToken(body: string, contentType = 'application/json') {
  const response = await fetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const answer = (await response.json()) as { access_token: string; expires_in: number };
  return { status: response.status, type: response.headers.get('content-type'), body: answer };
}

describe('tokens', () => {
  test('a minted token verifies with aws-jwt-verify and the keys of the discovery document', async () => {
    const discovery = await getJson(issuer.discoveryUrl);
    const verifier = verifierOf({ issuer: issuer.issuerUrl, jwksUri: discovery.jwks_uri as string });
    const token = await issuer.mintToken({ scope: ['journal.read', 'journal.write'], sub: 'alice' });

    const payload = await verifier.verify(token);

    expect(payload).toMatchObject({
      iss: issuer.issuerUrl,
      aud: AUDIENCE,
      sub: 'alice',
      scope: 'journal.read journal.write',
      client_id: 'hive-ui-local',
    });
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(payload.jti).toEqual(expect.any(String));
  });

  test('a token is an RS256 JWT access token naming the key it was signed with', async () => {
    const { keys } = (await getJson(issuer.jwksUri)) as { keys: Array<{ kid: string }> };

    const header = decodeProtectedHeader(await issuer.mintToken());

    expect(header).toEqual({ alg: 'RS256', kid: keys[0]?.kid, typ: 'at+jwt' });
  });

  test('a token without claims given speaks for local-operator with no scope', async () => {
    const payload = decodeJwt(await issuer.mintToken());

    expect(payload.sub).toBe('local-operator');
    expect(payload).not.toHaveProperty('scope');
    expect(payload).not.toHaveProperty('nbf');
  });

  test('an expired token is refused', async () => {
    const verifier = verifierOf({ issuer: issuer.issuerUrl, jwksUri: issuer.jwksUri });
    const token = await issuer.mintToken({ expiresInSeconds: -60 });

    await expect(verifier.verify(token)).rejects.toBeInstanceOf(JwtExpiredError);
  });

  test('extra claims are set last, and undefined removes a claim', async () => {
    const payload = decodeJwt(
      await issuer.mintToken({
        extraClaims: { iss: 'https://elsewhere.example', sub: undefined, tenant: 't1' },
      }),
    );

    expect(payload.iss).toBe('https://elsewhere.example');
    expect(payload).not.toHaveProperty('sub');
    expect(payload.tenant).toBe('t1');
  });
});

describe('discovery and keys', () => {
  test('the discovery document names the issuer, its keys, its token endpoint and RS256', async () => {
    const discovery = await getJson(issuer.discoveryUrl);

    expect(issuer.issuerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(discovery).toMatchObject({
      issuer: issuer.issuerUrl,
      jwks_uri: `${issuer.issuerUrl}/.well-known/jwks.json`,
      token_endpoint: `${issuer.issuerUrl}/token`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: expect.any(Array),
      subject_types_supported: ['public'],
    });
  });

  test('the JWKS holds the public key only', async () => {
    const { keys } = (await getJson(issuer.jwksUri)) as { keys: Array<Record<string, unknown>> };

    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    for (const member of PRIVATE_JWK_MEMBERS) expect(keys[0]).not.toHaveProperty(member);
  });

  test('an issuerPath is part of the issuer URL and of every document path', async () => {
    const realm = await startLocalOidcIssuer({ audience: AUDIENCE, issuerPath: '/realms/hive' });
    try {
      const discovery = await getJson(realm.discoveryUrl);
      const verifier = verifierOf({ issuer: realm.issuerUrl, jwksUri: discovery.jwks_uri as string });

      expect(realm.issuerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realms\/hive$/);
      expect(discovery.issuer).toBe(realm.issuerUrl);
      await expect(verifier.verify(await realm.mintToken())).resolves.toMatchObject({ iss: realm.issuerUrl });
    } finally {
      await realm.stop();
    }
  });

  test('two issuers have different keys, so neither verifies the other’s tokens', async () => {
    const other = await startLocalOidcIssuer({ audience: AUDIENCE });
    try {
      const [mine, theirs] = await Promise.all([getJson(issuer.jwksUri), getJson(other.jwksUri)]);
      // The other's keys, and this issuer's name: only the key differs.
      const verifier = verifierOf({ issuer: issuer.issuerUrl, jwksUri: other.jwksUri });

      expect((theirs.keys as Array<{ n: string }>)[0]?.n).not.toBe((mine.keys as Array<{ n: string }>)[0]?.n);
      await expect(verifier.verify(await issuer.mintToken())).rejects.toThrow();
    } finally {
      await other.stop();
    }
  });

  test('answers 404 elsewhere and 405 to the wrong method', async () => {
    const missing = await fetch(`${issuer.issuerUrl}/authorize`);
    const wrongMethod = await fetch(issuer.jwksUri, { method: 'POST' });

    expect(missing.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });
});

describe('POST /token', () => {
  test('mints a token with the scopes, subject and lifetime asked for', async () => {
    const before = Math.floor(Date.now() / 1000);

    const { status, body } = await postToken(
      JSON.stringify({ scope: 'journal.read  journal.write', sub: 'alice', expiresInSeconds: 600 }),
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'journal.read journal.write',
    });
    const payload = decodeJwt(body.access_token);
    expect(payload).toMatchObject({ sub: 'alice', scope: 'journal.read journal.write', aud: AUDIENCE });
    expect(payload.exp).toBeGreaterThanOrEqual(before + 600);
  });

  test('takes an OAuth form as well as JSON', async () => {
    const { status, body } = await postToken(
      new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'journal.read',
        expiresInSeconds: '60',
      }).toString(),
      'application/x-www-form-urlencoded',
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({ expires_in: 60, scope: 'journal.read' });
  });

  test.each([
    [0, 1],
    [-5, 1],
    [86_401, 86_400],
    [10_000_000_000, 86_400],
  ])('clamps a lifetime of %d seconds to %d', async (asked, given) => {
    const { body } = await postToken(JSON.stringify({ scope: 'journal.read', expiresInSeconds: asked }));

    expect(body.expires_in).toBe(given);
    const payload = decodeJwt(body.access_token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(given);
  });

  test.each([
    ['a scope that is not a string', JSON.stringify({ scope: ['journal.read'] }), 'invalid_request'],
    ['a scope token with a quote', JSON.stringify({ scope: 'journal."read' }), 'invalid_scope'],
    ['a misspelt field', JSON.stringify({ scope: 'journal.read', expires_in: 60 }), 'invalid_request'],
    ['a lifetime that is not a number', JSON.stringify({ expiresInSeconds: '1h' }), 'invalid_request'],
    ['an empty subject', JSON.stringify({ sub: '' }), 'invalid_request'],
    ['a body that is not JSON', '{scope:', 'invalid_request'],
    ['a body that is a JSON array', '[]', 'invalid_request'],
    ['another grant type', JSON.stringify({ grant_type: 'password' }), 'invalid_request'],
  ])('refuses %s with a 400 problem', async (_case, body, error) => {
    const answer = await postToken(body);

    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 400,
      title: 'Bad Request',
      error,
      detail: expect.any(String),
    });
  });

  test('refuses a body that is neither JSON nor a form with 415', async () => {
    const answer = await postToken('scope=journal.read', 'text/plain');

    expect(answer.status).toBe(415);
  });
});

describe('lifecycle and options', () => {
  test('a stopped issuer no longer answers', async () => {
    const stopped = await startLocalOidcIssuer({ audience: AUDIENCE });
    await stopped.stop();

    await expect(fetch(stopped.discoveryUrl)).rejects.toThrow();
  });

  test('options are read from a JSON file, and a file holding a key is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hive-journal-oidc-'));
    try {
      await writeFile(join(dir, 'good.json'), JSON.stringify({ audience: 'a', port: 0, issuerPath: '/x' }));
      await writeFile(
        join(dir, 'key.json'),
        JSON.stringify({ audience: 'a', privateKey: { kty: 'RSA', d: 'x' } }),
      );

      await expect(readLocalOidcIssuerOptions(join(dir, 'good.json'))).resolves.toEqual({
        audience: 'a',
        port: 0,
        issuerPath: '/x',
      });
      await expect(readLocalOidcIssuerOptions(join(dir, 'key.json'))).rejects.toThrow(/privateKey/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an issuerPath with a trailing slash is refused', async () => {
    await expect(startLocalOidcIssuer({ audience: AUDIENCE, issuerPath: '/realms/' })).rejects.toThrow(
      /issuerPath/,
    );
  });
});
