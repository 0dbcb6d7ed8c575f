import { JwtVerifier } from 'aws-jwt-verify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalOidcIssuer, startLocalOidcIssuer } from '../../local/oidc/local-oidc-issuer.ts';
import { type BadTokenContext, badTokenRecipe, buildBadToken } from '../support/bad-tokens.ts';
import { httpJwksCache } from '../support/http-jwks-cache.ts';

const AUDIENCE = 'hive-journal-bad-tokens';

let issuer: LocalOidcIssuer;
let ctx: BadTokenContext;
let verifier: ReturnType<typeof createVerifier>;

beforeAll(async () => {
  issuer = await startLocalOidcIssuer({ audience: AUDIENCE });
  ctx = { issuerUrl: issuer.issuerUrl, audience: AUDIENCE, mintValid: (claims) => issuer.mintToken(claims) };
  verifier = createVerifier();
});

afterAll(async () => {
  await issuer.stop();
});

/**
 * A correct verifier as bad-tokens.ts assumes one: aws-jwt-verify for the issuer and audience, with
 * a sub and an exp required (aws-jwt-verify checks exp only when present).
 */
function createVerifier() {
  return JwtVerifier.create(
    {
      issuer: issuer.issuerUrl,
      audience: AUDIENCE,
      jwksUri: issuer.jwksUri,
      graceSeconds: 5,
      customJwtCheck: ({ payload }) => {
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no sub');
        if (payload.exp === undefined) throw new Error('no exp');
      },
    },
    { jwksCache: httpJwksCache() },
  );
}

/** Whether an Authorization header value gets through: `Bearer` (any case), spaces, one token. */
async function accepts(header: string): Promise<boolean> {
  const token = /^bearer +(\S+)$/i.exec(header)?.[1];
  if (token === undefined) return false;
  try {
    await verifier.verify(token);
    return true;
  } catch {
    return false;
  }
}

describe('bad tokens', () => {
  test('valid tokens, and the variations left out of the generator, are accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = [
      `Bearer ${await issuer.mintToken()}`,
      `Bearer ${await issuer.mintToken({ scope: ['journal.read'], sub: 'alice', notBeforeSeconds: -30 })}`,
      `Bearer ${await issuer.mintToken({ audience: ['another-api', AUDIENCE] })}`,
      `Bearer ${await issuer.mintToken({ extraClaims: { exp: Number.MAX_SAFE_INTEGER } })}`,
      `Bearer ${await issuer.mintToken({ issuedAt: now - 3601, expiresInSeconds: 3600 })}`,
      `bearer ${await issuer.mintToken()}`,
      `BEARER  ${await issuer.mintToken()}`,
    ];

    const accepted = await Promise.all(headers.map(accepts));

    expect(accepted).toEqual(headers.map(() => true));
  });

  test('300 generated bad tokens are all refused', async () => {
    await fc.assert(
      fc.asyncProperty(badTokenRecipe, async (recipe) => {
        const bad = await buildBadToken(recipe, ctx);

        expect(await accepts(bad.header), bad.label).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test('the generator draws from every family of bad token', () => {
    const kinds = new Set(fc.sample(badTokenRecipe, { numRuns: 1000, seed: 1 }).map((recipe) => recipe.kind));

    expect([...kinds].sort()).toEqual([
      'alg none',
      'claims',
      'dots',
      'flipped',
      'foreign key',
      'garbage',
      'header alg changed',
      'header not JSON',
      'huge header',
      'key confusion',
      'no token',
      'truncated',
      'unsigned change',
      'wrong scheme',
    ]);
  });

  test('every header value can be sent over HTTP', async () => {
    await fc.assert(
      fc.asyncProperty(badTokenRecipe, async (recipe) => {
        const { header } = await buildBadToken(recipe, ctx);

        expect(header).toMatch(/^[\x20-\x7E]*$/);
      }),
      { numRuns: 100 },
    );
  });
});
