import { type JsonWebKey, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { JOURNAL_API_ROUTES, type JournalApiRoute } from '../../infra/journal-api-routes.ts';
import type { TokenClaims } from '../../local/oidc/token-signer.ts';
import {
  type BadTokenContext,
  type BadTokenRecipe,
  badTokenRecipe,
  buildBadToken,
} from '../support/bad-tokens.ts';
import { TEST_SCOPES, TEST_USER_POOL_ID, testTokenSigner } from '../support/jwt-stack.ts';
import { startTestTemplateStack, type TestTemplateStack } from '../support/template-stack.ts';

// Generated bad tokens against every route of the synthesized stack, in each authorization mode the
// local cloud runs, over HTTP through the local API Gateway as an attacker would send them: none
// may get through, and none may make our functions fail (a 5xx).
const TOKENS_PER_MODE = 1000;
const PROTECTED_ROUTES = JOURNAL_API_ROUTES.filter((route) => route.access !== 'public');
const PUBLIC_ROUTES = JOURNAL_API_ROUTES.filter((route) => route.access === 'public');

function pathOf(route: JournalApiRoute): string {
  return route.path
    .replace('{swarmId}', 'swarm-bad-tokens')
    .replace('{runId}', 'run-bad-tokens')
    .replace('{captureId}', randomUUID())
    .slice(1);
}

/**
 * Sends one Authorization header to a route; resolves to the status. The stage's throttle is not
 * what is tested: a 429 is waited out and the request sent again.
 */
async function send(stack: TestTemplateStack, route: JournalApiRoute, header: string): Promise<number> {
  const init: RequestInit = {
    method: route.method,
    headers: { authorization: header, 'content-type': 'application/json' },
    ...(route.method === 'POST' ? { body: '{}' } : {}),
  };
  for (let attempt = 0; ; attempt += 1) {
    let response: Response;
    try {
      response = await fetch(new URL(pathOf(route), stack.endpoints.apiUrl), init);
    } catch (error) {
      // undici refuses some headers before sending (none of ours should be); say which.
      throw new Error(`could not send ${JSON.stringify(header.slice(0, 80))}: ${(error as Error).message}`);
    }
    await response.arrayBuffer();
    if (response.status !== 429 || attempt === 50) return response.status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The API functions never ran: no execution environment was ever started for them. */
function apiFunctionsInvoked(stack: TestTemplateStack): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [logicalId, name] of Object.entries(stack.endpoints.functions)) {
    if (!/ReadFunction|WriteFunction/.test(logicalId)) continue;
    counts[logicalId] = stack.functions.find(name)?.fn.environmentCount ?? -1;
  }
  return counts;
}

/** Tokens of the cognito stage's (local stand-in) user pool, as the generator asks for them. */
function cognitoContext(stack: TestTemplateStack): BadTokenContext {
  const pool = stack.userPools.pool(TEST_USER_POOL_ID);
  return {
    issuerUrl: pool.issuer,
    audience: COGNITO_CLIENT_ID,
    jwks: pool.jwks as unknown as { keys: JsonWebKey[] },
    mintValid: (claims: TokenClaims = {}) => {
      const issuedAt = claims.issuedAt ?? Math.floor(Date.now() / 1000);
      return pool.mintAccessToken({
        sub: claims.sub ?? 'bad-token-base',
        scope: claims.scope ?? [],
        clientId: COGNITO_CLIENT_ID,
        issuedAt,
        ...(claims.expiresInSeconds === undefined ? {} : { expiresInSeconds: claims.expiresInSeconds }),
        extraClaims: {
          ...(claims.notBeforeSeconds === undefined ? {} : { nbf: issuedAt + claims.notBeforeSeconds }),
          ...claims.extraClaims,
        },
      });
    },
  };
}
const COGNITO_CLIENT_ID = 'hive-ui-client';

/**
 * Recipes that are not bad tokens for a Cognito user pool authorizer, as AWS documents it: it takes
 * the raw token without a scheme, and an access token has no `aud` (API Gateway checks scopes, not
 * the client). Every other recipe applies.
 */
function appliesToCognito(recipe: BadTokenRecipe): boolean {
  if (recipe.kind === 'wrong scheme' && recipe.scheme === 'none') return false;
  return !(recipe.kind === 'claims' && recipe.claim.startsWith('aud'));
}

describe.each([
  ['iam', () => inject('assemblyDir')],
  ['jwt', () => inject('jwtAssemblyDir')],
  ['cognito', () => inject('cognitoAssemblyDir')],
] as const)(`%s mode: ${TOKENS_PER_MODE} generated bad tokens, every route`, (mode, assemblyDir) => {
  let stack: TestTemplateStack;
  let ctx: BadTokenContext;
  const recipes = mode === 'cognito' ? badTokenRecipe.filter(appliesToCognito) : badTokenRecipe;
  /** What refusing looks like in each mode (431: the headers were over the gateway's limit first). */
  const refusals = (route: JournalApiRoute): number[] =>
    mode === 'iam'
      ? [403, 431]
      : mode === 'cognito'
        ? [401, 431]
        : // A bad token is 401; a write route may also be 403 when a token would be valid but read-only.
          route.method === 'GET'
          ? [401, 431]
          : [401, 403, 431];
  beforeAll(async () => {
    stack = await startTestTemplateStack({ assemblyDir: assemblyDir(), oidcIssuer: 'external' });
    if (mode === 'cognito') {
      ctx = cognitoContext(stack);
    } else {
      const signer = await testTokenSigner();
      ctx = {
        issuerUrl: signer.issuerUrl,
        audience: signer.audience,
        mintValid: (claims) => signer.mintToken(claims),
      };
    }
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  test('none is accepted on a protected route, and no API function ever runs', async () => {
    const tried = new Set<string>();
    await fc.assert(
      fc.asyncProperty(recipes, fc.constantFrom(...PROTECTED_ROUTES), async (recipe, route) => {
        const bad = await buildBadToken(recipe, ctx);
        const status = await send(stack, route, bad.header);
        const key = `${route.method} ${route.path}`;
        tried.add(key);

        expect(refusals(route), `${bad.label} on ${key}`).toContain(status);
      }),
      { numRuns: TOKENS_PER_MODE },
    );

    expect([...tried].sort()).toEqual(PROTECTED_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // No token reached a function, so none could make one fail (and no 5xx came back).
    expect(apiFunctionsInvoked(stack)).toEqual(
      Object.fromEntries(Object.keys(apiFunctionsInvoked(stack)).map((logicalId) => [logicalId, 0])),
    );
    if (mode === 'cognito') {
      // The same pool's good token passes: the refusals above were the tokens'.
      const good = await ctx.mintValid({ scope: [TEST_SCOPES.read] });
      const hive = JOURNAL_API_ROUTES.find((r) => r.path === '/api/journal/hive/page') as JournalApiRoute;
      expect(await send(stack, hive, good)).toBe(200);
    }
    if (mode === 'jwt') {
      // The authorizer did the refusing (not only API Gateway's pattern), and it accepts a good token.
      const authorizer = Object.entries(stack.endpoints.functions).find(([id]) =>
        id.includes('AuthorizerFunction'),
      );
      expect(stack.functions.find(authorizer?.[1] ?? '')?.fn.environmentCount).toBeGreaterThan(0);
      const good = await (await testTokenSigner()).mintToken({ scope: [TEST_SCOPES.read] });
      const hive = JOURNAL_API_ROUTES.find((r) => r.path === '/api/journal/hive/page') as JournalApiRoute;
      expect(await send(stack, hive, `Bearer ${good}`)).toBe(200);
    }
  }, 300_000);

  test('the public liveness route answers whatever token comes with it', async () => {
    await fc.assert(
      fc.asyncProperty(recipes, fc.constantFrom(...PUBLIC_ROUTES), async (recipe, route) => {
        const bad = await buildBadToken(recipe, ctx);

        expect([200, 431], bad.label).toContain(await send(stack, route, bad.header));
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
