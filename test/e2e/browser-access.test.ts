import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { importJWK, type CryptoKey as JoseCryptoKey } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createTokenSigner } from '../../local/oidc/token-signer.ts';
import { launchChromium } from '../support/browser.ts';
import {
  JOURNAL_CHECK_PAGE,
  type JournalCheckConfig,
  PAGE_ORIGIN,
  type PageCall,
} from '../support/journal-check-page.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { TEST_SCOPES, testTokenSigner } from '../support/jwt-stack.ts';
import { eventually, startTestTemplateStack, type TestTemplateStack } from '../support/template-stack.ts';

// The Hive UI's situation, for real: a page on another origin (the UI's dev server origin, which the
// dev stage allows by default) calls the jwt-mode stack from Chromium with fetch() and bearer tokens.
// The browser enforces CORS, runs the preflights and hides what CORS does not let the page read.
const ARTIFACTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const SWARM = 'swarm-browser';
const RUN = 'run-browser-1';

let stack: TestTemplateStack;
let browser: Browser;
let tokens: Awaited<ReturnType<typeof mintTokens>>;

async function mintTokens() {
  const signer = await testTokenSigner();
  const good = await signer.mintToken({ sub: 'alice', scope: [TEST_SCOPES.read, TEST_SCOPES.write] });
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const middle = Math.floor(signature.length / 2);
  const flipped = signature[middle] === 'A' ? 'B' : 'A';
  const otherIssuer = createTokenSigner({
    issuerUrl: 'https://login.example.com',
    audience: signer.audience,
    privateKey: (await importJWK(signer.privateJwk, 'RS256')) as JoseCryptoKey,
    kid: signer.kid,
  });
  const unsigned = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  return {
    good,
    readOnly: await signer.mintToken({ sub: 'bob', scope: [TEST_SCOPES.read] }),
    refused: {
      'no token': null,
      expired: `Bearer ${await signer.mintToken({ scope: [TEST_SCOPES.read], issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 3600 })}`,
      'wrong issuer': `Bearer ${await otherIssuer.mintToken({ scope: [TEST_SCOPES.read] })}`,
      'wrong audience': `Bearer ${await signer.mintToken({ scope: [TEST_SCOPES.read], audience: 'another-api' })}`,
      'tampered signature': `Bearer ${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`,
      'alg none': `Bearer ${unsigned}.${payload}.`,
    },
  };
}

async function openCheckPage(origin: string): Promise<Page> {
  // A page the test routes has no address of its own, so Chromium's Local Network Access counts it
  // public and asks before it calls loopback (the local gateway). The Hive UI is either served from
  // loopback itself (its dev server) or calls a public API, and is never asked: the permission stands
  // in for that, and changes nothing CORS decides.
  const context = await browser.newContext({ permissions: ['local-network-access'] });
  const page = await context.newPage();
  // The page is served to the browser at `origin` (as the UI's dev server would serve it); only the
  // page itself is routed, every API call goes over the network to the local gateway.
  await page.route(`${origin}/journal-check.html`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: JOURNAL_CHECK_PAGE }),
  );
  await page.goto(`${origin}/journal-check.html`);
  return page;
}

async function runChecks(page: Page, config: JournalCheckConfig): Promise<Record<string, PageCall>> {
  const calls = await page.evaluate(
    (cfg) => (globalThis as unknown as { journalCheck(c: unknown): Promise<PageCall[]> }).journalCheck(cfg),
    config,
  );
  return Object.fromEntries(calls.map((call) => [call.label, call]));
}

beforeAll(async () => {
  [stack, browser, tokens] = await Promise.all([
    startTestTemplateStack({ assemblyDir: inject('jwtAssemblyDir'), oidcIssuer: 'external' }),
    launchChromium(),
    mintTokens(),
  ]);
  const sqs = new SQSClient({
    endpoint: stack.endpoints.sqsEndpoint,
    region: stack.endpoints.region,
    credentials: stack.endpoints.credentials,
  });
  const start = Date.now() - 60_000;
  const entries = [
    ...Array.from({ length: 6 }, (_, i) =>
      journalEntry({ swarmId: SWARM, runId: RUN, timestamp: new Date(start + i * 1000).toISOString() }),
    ),
    journalEntry({
      scope: 'HIVE',
      swarmId: SWARM,
      runId: RUN,
      kind: 'command',
      type: 'swarm-create',
      origin: 'orchestrator',
    }),
  ];
  await sqs.send(
    new SendMessageCommand({ QueueUrl: stack.endpoints.queueUrl, MessageBody: envelope(entries) }),
  );
  sqs.destroy();
  await eventually('the events to be stored', async () => {
    const response = await fetch(
      new URL(`api/swarms/${SWARM}/journal/page?limit=10`, stack.endpoints.apiUrl),
      {
        headers: { authorization: `Bearer ${tokens.good}` },
      },
    );
    const body = (await response.json()) as { items?: unknown[] };
    return body.items?.length === 6 ? true : undefined;
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the Hive UI in a real browser, with bearer tokens', () => {
  let calls: Record<string, PageCall>;
  beforeAll(async () => {
    const page = await openCheckPage(PAGE_ORIGIN);
    calls = await runChecks(page, {
      apiUrl: stack.endpoints.apiUrl,
      swarmId: SWARM,
      runId: RUN,
      goodToken: tokens.good,
      readOnlyToken: tokens.readOnly,
      refused: tokens.refused,
    });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'browser-access.png'), fullPage: true });
    await page.context().close();
  }, 60_000);

  test('reads the hive page across origins', () => {
    expect(calls['hive page']?.status).toBe(200);
    expect(calls['hive page']?.body).toMatchObject({
      items: [expect.objectContaining({ swarmId: SWARM, kind: 'command', type: 'swarm-create' })],
    });
  });

  test('pages through a swarm with the cursor the first page gave', () => {
    const first = calls['swarm page 1']?.body as { items: { eventId: number }[]; hasMore: boolean };
    const second = calls['swarm page 2 (cursor)']?.body as { items: { eventId: number }[] };

    expect(calls['swarm page 1']?.status).toBe(200);
    expect(first.items).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    expect(calls['swarm page 2 (cursor)']?.status).toBe(200);
    expect(second.items).toHaveLength(2);
    const firstIds = first.items.map((item) => item.eventId);
    for (const item of second.items) expect(firstIds).not.toContain(item.eventId);
    expect(Math.min(...firstIds)).toBeGreaterThan(Math.max(...second.items.map((item) => item.eventId)));
  });

  test('lists the run in the runs index', () => {
    expect(calls['runs index']?.status).toBe(200);
    expect(calls['runs index']?.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ swarmId: SWARM, runId: RUN })]),
    );
  });

  test('pins the run: a JSON POST with a bearer token passes its preflight and is stored', () => {
    // A cross-origin POST with Content-Type application/json and Authorization is preflighted; had
    // the preflight failed, fetch() would have rejected (network-error) without sending the POST.
    expect(calls['pin run']?.status).toBe(200);
    expect(calls['pin run']?.body).toMatchObject({ runId: RUN, mode: 'FULL' });
  });

  test.each(['no token', 'expired', 'wrong issuer', 'wrong audience', 'tampered signature', 'alg none'])(
    'refuses %s with a status the page can read',
    (label) => {
      expect(calls[label]?.status, JSON.stringify(calls[label])).toBe(401);
    },
  );

  test('refuses a read-only token on a write route with 403, visible to the page', () => {
    expect(calls['read-only token pins']?.status).toBe(403);
  });
});

describe('a page of an origin the stage does not allow', () => {
  test('cannot read journal data, even with a good token', async () => {
    const page = await openCheckPage('http://intruder.localhost:8080');
    const call = await page.evaluate(
      async ([apiUrl, token]) => {
        try {
          const response = await fetch(`${apiUrl}api/journal/hive/page?limit=1`, {
            headers: { Authorization: `Bearer ${token}` },
          });
          return String(response.status);
        } catch {
          return 'network-error';
        }
      },
      [stack.endpoints.apiUrl, tokens.good] as const,
    );
    await page.close();

    expect(call).toBe('network-error');
  });
});
