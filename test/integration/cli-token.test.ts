import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { JwtVerifier } from 'aws-jwt-verify';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { CliIo } from '../../lib/cli/cli-io.ts';
import { runCli } from '../../lib/cli/run-cli.ts';
import { type LocalOidcIssuer, startLocalOidcIssuer } from '../../local/oidc/local-oidc-issuer.ts';
import { httpJwksCache } from '../support/http-jwks-cache.ts';

const AUDIENCE = 'hive-journal-cli-test';
const LOCAL_CREDENTIALS = { accessKeyId: 'AKIALOCALTEST', secretAccessKey: 'local-secret' };
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

let issuer: LocalOidcIssuer;
let api: Server;
let apiUrl: string;
let apiRequests: IncomingHttpHeaders[];
let workDir: string;

beforeAll(async () => {
  issuer = await startLocalOidcIssuer({ audience: AUDIENCE });
  // A stand-in for the journal API: an empty last page, and the headers each request came with.
  api = createServer((request, response) => {
    apiRequests.push(request.headers);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ items: [], nextCursor: null, hasMore: false, nextPageToken: null }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await issuer.stop();
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
});

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hive-journal-cli-token-'));
  apiRequests = [];
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** What `npm start -- --auth jwt` writes: the API (signed with the local credentials) and the issuer. */
async function writeLocalJson(fields: Record<string, unknown> = { oidcIssuer: issuer.issuerUrl }) {
  await writeFile(
    join(workDir, 'local.json'),
    JSON.stringify({ apiUrl, credentials: LOCAL_CREDENTIALS, ...fields }),
  );
}

async function cli(argv: string[], env: Record<string, string> = {}) {
  const output = { stdout: '', stderr: '' };
  const stream = (name: 'stdout' | 'stderr') => ({
    isTTY: false,
    write: (text: string) => {
      output[name] += text;
      return true;
    },
    once: () => undefined,
  });
  const io: CliIo = {
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    stdout: stream('stdout'),
    stderr: stream('stderr'),
    env: { HIVE_JOURNAL_STATE_DIR: workDir, ...env },
    cwd: workDir,
    signal: new AbortController().signal,
  };
  const code = await runCli(argv, io);
  return { code, ...output };
}

function verifierOf(of: LocalOidcIssuer) {
  return JwtVerifier.create(
    { issuer: of.issuerUrl, audience: AUDIENCE, jwksUri: of.jwksUri },
    { jwksCache: httpJwksCache() },
  );
}

describe('token', () => {
  test('prints only a token of local.json’s issuer, carrying every scope asked for', async () => {
    await writeLocalJson();

    const run = await cli(['token', '--scope', 'journal.read', '--scope', 'journal.write journal.admin']);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^\S+\n$/);
    const token = run.stdout.trim();
    expect(token).toMatch(JWT);
    await expect(verifierOf(issuer).verify(token)).resolves.toMatchObject({
      scope: 'journal.read journal.write journal.admin',
      sub: 'local-operator',
    });
  });

  test('--sub and --expires-in set whom the token speaks for and how long it lasts', async () => {
    await writeLocalJson();

    const inMinutes = decodeJwt(
      (await cli(['token', '--scope', 'r', '--sub', 'alice', '--expires-in', '15m'])).stdout,
    );
    const inSeconds = decodeJwt((await cli(['token', '--scope', 'r', '--expires-in', '90'])).stdout);

    expect(inMinutes.sub).toBe('alice');
    expect((inMinutes.exp as number) - (inMinutes.iat as number)).toBe(900);
    expect((inSeconds.exp as number) - (inSeconds.iat as number)).toBe(90);
  });

  test('--issuer beats HIVE_JOURNAL_OIDC_ISSUER, which beats local.json', async () => {
    const other = await startLocalOidcIssuer({ audience: AUDIENCE, issuerPath: '/realms/other' });
    const third = await startLocalOidcIssuer({ audience: AUDIENCE });
    try {
      await writeLocalJson();
      const env = { HIVE_JOURNAL_OIDC_ISSUER: third.issuerUrl };

      const fromFlag = decodeJwt(
        (await cli(['token', '--scope', 'r', '--issuer', other.issuerUrl], env)).stdout,
      );
      const fromEnv = decodeJwt((await cli(['token', '--scope', 'r'], env)).stdout);

      expect(fromFlag.iss).toBe(other.issuerUrl);
      expect(fromEnv.iss).toBe(third.issuerUrl);
    } finally {
      await Promise.all([other.stop(), third.stop()]);
    }
  });

  test.each([
    ['local.json names no issuer', { apiUrl }, 'names no oidcIssuer'],
    ['no local stack has run', undefined, 'no local stack has written'],
  ])(
    'says the local stack is not running in jwt mode when %s, with exit code 2',
    async (_case, fields, why) => {
      if (fields) await writeLocalJson(fields);

      const run = await cli(['token', '--scope', 'journal.read']);

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('the local stack is not running in jwt mode');
      expect(run.stderr).toContain('npm start -- --auth jwt');
      expect(run.stderr).toContain(why);
    },
  );

  test.each([
    ['no --scope', ['token'], '--scope is required'],
    ['a blank --scope', ['token', '--scope', '  '], '--scope is required'],
    ['a lifetime over a day', ['token', '--scope', 'r', '--expires-in', '2d'], '--expires-in must be'],
    ['a lifetime of 0', ['token', '--scope', 'r', '--expires-in', '0'], '--expires-in must be'],
    ['a lifetime in years', ['token', '--scope', 'r', '--expires-in', '1y'], '--expires-in must be'],
    [
      'an issuer that is not a URL',
      ['token', '--scope', 'r', '--issuer', 'issuer.local'],
      'not an http(s) URL',
    ],
  ])('refuses %s with exit code 2', async (_case, argv, message) => {
    await writeLocalJson();

    const run = await cli(argv);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  test('a scope the issuer refuses is a usage error saying why', async () => {
    await writeLocalJson();

    const run = await cli(['token', '--scope', 'journal"read']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not an OAuth scope token');
  });

  test('an issuer that is gone is reported with exit code 1, hinting that local.json may be stale', async () => {
    const gone = await startLocalOidcIssuer({ audience: AUDIENCE });
    await gone.stop();
    await writeLocalJson({ oidcIssuer: gone.issuerUrl });

    const run = await cli(['token', '--scope', 'journal.read']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the OIDC issuer at ${gone.issuerUrl}`);
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr).toContain('still running?');
  });
});

describe('--token on API commands', () => {
  test('export sends --token as a bearer token instead of signing with the local credentials', async () => {
    await writeLocalJson();

    const run = await cli(['export', '--swarm', 'swarm-a', '--token', 'header.payload.signature']);

    expect(run.code).toBe(0);
    expect(apiRequests).toHaveLength(1);
    expect(apiRequests[0]?.authorization).toBe('Bearer header.payload.signature');
    expect(apiRequests[0]).not.toHaveProperty('x-amz-date');
  });

  test('HIVE_JOURNAL_TOKEN is the token when no --token is given', async () => {
    await writeLocalJson();

    await cli(['export', '--swarm', 'swarm-a'], { HIVE_JOURNAL_TOKEN: 'from.the.env' });

    expect(apiRequests[0]?.authorization).toBe('Bearer from.the.env');
  });

  test('a token from the token command opens the API as `TOKEN=$(hive-journal token ...)` would', async () => {
    await writeLocalJson();
    const token = (await cli(['token', '--scope', 'journal.read'])).stdout.trim();

    await cli(['export', '--swarm', 'swarm-a', '--token', token]);

    expect(apiRequests[0]?.authorization).toBe(`Bearer ${token}`);
  });

  test('without a token the local stack’s API is still signed with SigV4', async () => {
    await writeLocalJson();

    await cli(['export', '--swarm', 'swarm-a']);

    expect(apiRequests[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIALOCALTEST\//);
  });

  test.each([
    ['a token with --api-auth iam', ['--token', 'a.b.c', '--api-auth', 'iam'], 'not with --api-auth iam'],
    ['--api-auth bearer without a token', ['--api-auth', 'bearer'], 'needs a token'],
    ['a token with the scheme pasted in', ['--token', 'Bearer a.b.c'], 'leave out "Bearer "'],
  ])('refuses %s with exit code 2 before any request', async (_case, flags, message) => {
    await writeLocalJson();

    const run = await cli(['export', '--swarm', 'swarm-a', ...flags]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(apiRequests).toHaveLength(0);
  });
});
