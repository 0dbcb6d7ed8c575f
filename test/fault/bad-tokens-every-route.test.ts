import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { JOURNAL_API_ROUTES, type JournalApiRoute } from '../../infra/journal-api-routes.ts';
import { type BadTokenContext, badTokenRecipe, buildBadToken } from '../support/bad-tokens.ts';
import { TEST_SCOPES, testTokenSigner } from '../support/jwt-stack.ts';
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

describe.each([
  ['iam', () => inject('assemblyDir')],
  ['jwt', () => inject('jwtAssemblyDir')],
] as const)(`%s mode: ${TOKENS_PER_MODE} generated bad tokens, every route`, (mode, assemblyDir) => {
  let stack: TestTemplateStack;
  let ctx: BadTokenContext;
  beforeAll(async () => {
    const signer = await testTokenSigner();
    ctx = {
      issuerUrl: signer.issuerUrl,
      audience: signer.audience,
      mintValid: (claims) => signer.mintToken(claims),
    };
    stack = await startTestTemplateStack({ assemblyDir: assemblyDir(), oidcIssuer: 'external' });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  test('none is accepted on a protected route, and no API function ever runs', async () => {
    const tried = new Set<string>();
    await fc.assert(
      fc.asyncProperty(badTokenRecipe, fc.constantFrom(...PROTECTED_ROUTES), async (recipe, route) => {
        const bad = await buildBadToken(recipe, ctx);
        const status = await send(stack, route, bad.header);
        const key = `${route.method} ${route.path}`;
        tried.add(key);

        // 431: the request line and headers were over the gateway's limit, refused before anything.
        expect(mode === 'jwt' ? [401, 403, 431] : [403, 431], `${bad.label} on ${key}`).toContain(status);
      }),
      { numRuns: TOKENS_PER_MODE },
    );

    expect([...tried].sort()).toEqual(PROTECTED_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // No token reached a function, so none could make one fail (and no 5xx came back).
    expect(apiFunctionsInvoked(stack)).toEqual(
      Object.fromEntries(Object.keys(apiFunctionsInvoked(stack)).map((logicalId) => [logicalId, 0])),
    );
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
      fc.asyncProperty(badTokenRecipe, fc.constantFrom(...PUBLIC_ROUTES), async (recipe, route) => {
        const bad = await buildBadToken(recipe, ctx);

        expect([200, 431], bad.label).toContain(await send(stack, route, bad.header));
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
