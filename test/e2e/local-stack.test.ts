import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSigV4Signer } from '../../lib/cli/sigv4-signer.ts';
import { createJournalClient } from '../../lib/client/journal-client.ts';
import type { LocalStackEndpoints } from '../../local/local-stack.ts';

// `npm start` as a newcomer runs it: a child process on free ports, driven only through its
// published endpoints with the real SDK clients and HTTP.
const repo = fileURLToPath(new URL('../../', import.meta.url));
let stateDir: string;
let child: ChildProcess;
let output = '';
let endpoints: LocalStackEndpoints;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'hive-journal-e2e-'));
  child = spawn(
    process.execPath,
    ['local/start.ts', '--port', '0', '--fresh', '--state-dir', `${stateDir}/`],
    {
      cwd: repo,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await waitFor('the stack to report it is running', async () =>
    output.includes('Press Ctrl-C') ? true : undefined,
  );
  endpoints = JSON.parse(await readFile(join(stateDir, 'local.json'), 'utf8'));
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await rm(stateDir, { recursive: true, force: true });
});

/** A request to the stage, signed with SigV4 and the credentials local.json gives, as a client of AWS signs. */
async function apiFetch(path: string, init: { method?: string; body?: string } = {}): Promise<Response> {
  const url = new URL(path.replace(/^\//, ''), endpoints.apiUrl);
  const method = init.method ?? 'GET';
  const sign = createSigV4Signer(endpoints.region, endpoints.credentials);
  const headers = await sign(url, { method, ...(init.body === undefined ? {} : { body: init.body }) });
  return fetch(url, {
    method,
    headers: { ...headers, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies of several routes, asserted field by field
async function getJson(path: string): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await apiFetch(path);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe('npm start', () => {
  const swarmId = `e2e-${randomUUID().slice(0, 8)}`;

  test('writes where it listens to .hive-journal/local.json and is healthy', async () => {
    expect(Object.keys(endpoints)).toEqual(
      expect.arrayContaining([
        'apiUrl',
        'region',
        'credentials',
        'outputs',
        'sqsEndpoint',
        'queueUrl',
        'dlqUrl',
        'dataApiEndpoint',
        'resourceArn',
        'secretArn',
        'databaseUrl',
      ]),
    );
    expect(endpoints.apiUrl).toBe(endpoints.outputs.ApiUrl);
    expect(endpoints.apiUrl).toMatch(/\/v1\/$/);
    const health = await fetch(`${endpoints.apiUrl}health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    expect(output).toMatch(/curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "AKIA/);
  });

  test('events published through SQS with the producer client come back through the HTTP pages', async () => {
    const sqs = new SQSClient({
      endpoint: endpoints.sqsEndpoint,
      region: endpoints.region,
      credentials: endpoints.credentials,
    });
    const client = createJournalClient({ sqs, queueUrl: endpoints.queueUrl });
    const base = Date.now() - 60_000;
    for (let i = 0; i < 120; i += 1) {
      client.publish({
        timestamp: new Date(base + i * 100).toISOString(),
        scope: 'SWARM',
        swarmId,
        runId: 'run-1',
        severity: i % 20 === 0 ? 'ERROR' : 'INFO',
        direction: 'LOCAL',
        kind: i === 0 ? 'outcome' : 'signal',
        type: i === 0 ? 'swarm-start' : 'config-update',
        origin: 'e2e',
        data: i === 0 ? { status: 'Running' } : { i },
      });
    }
    await client.close();
    sqs.destroy();

    const seen: number[] = [];
    await waitFor('all events to be stored', async () => {
      const page = await getJson(`/api/swarms/${swarmId}/journal/page?runId=run-1&limit=1000`);
      return page.body.items?.length === 120 ? true : undefined;
    });
    let path = `/api/swarms/${swarmId}/journal/page?limit=50`;
    for (;;) {
      const page = await getJson(path);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { eventId: number }) => item.eventId));
      if (!page.body.hasMore) break;
      path = `/api/swarms/${swarmId}/journal/page?limit=50&cursor=${page.body.nextPageToken}`;
    }
    expect(new Set(seen).size).toBe(120);
    const runs = await getJson(`/api/swarms/${swarmId}/journal/runs`);
    expect(runs.body).toEqual([
      expect.objectContaining({ swarmId, runId: 'run-1', entries: 120, lifecycleState: 'RUNNING' }),
    ]);
  });

  test('the CLI exports a run and re-imports it, with fresh ids, as a replay in a new swarm', async () => {
    const cli = (args: string[], input?: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const run = spawn(
          process.execPath,
          [
            'bin/hive-journal.ts',
            ...args,
            // local.json only: the CLI finds the stack there and signs with its credentials.
            '--state-dir',
            stateDir,
          ],
          {
            cwd: repo,
            stdio: ['pipe', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        run.stdout.on('data', (chunk) => (stdout += chunk));
        run.stderr.on('data', (chunk) => (stderr += chunk));
        run.on('exit', (code) => resolve({ code, stdout, stderr }));
        run.stdin.end(input ?? '');
      });

    const exported = await cli([
      'export',
      '--swarm',
      swarmId,
      '--run',
      'run-1',
      '--fresh-ids',
      '--as-swarm',
      `${swarmId}-replay`,
      '--as-run',
      'replay-1',
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const lines = exported.stdout.trim().split('\n');
    expect(lines).toHaveLength(120);
    const imported = await cli(['import', '-'], exported.stdout);
    expect(imported.code, imported.stderr).toBe(0);

    await waitFor('the replay to be stored', async () => {
      const page = await getJson(`/api/swarms/${swarmId}-replay/journal/page?runId=replay-1&limit=1000`);
      return page.body.items?.length === 120 ? page : undefined;
    });
    const original = await getJson(`/api/swarms/${swarmId}/journal/page?runId=run-1&limit=1000`);
    expect(original.body.items).toHaveLength(120);
  });

  test('a run is pinned through the API and maintenance runs through the Lambda Invoke endpoint', async () => {
    const pin = await apiFetch(`/api/swarms/${swarmId}/journal/pin`, {
      method: 'POST',
      body: JSON.stringify({ runId: 'run-1', mode: 'ERRORS_ONLY', name: 'e2e' }),
    });
    expect(pin.status).toBe(200);
    expect(await pin.json()).toMatchObject({ swarmId, runId: 'run-1', mode: 'ERRORS_ONLY', entries: 6 });

    const lambda = new LambdaClient({
      endpoint: endpoints.lambdaEndpoint,
      region: endpoints.region,
      credentials: endpoints.credentials,
    });
    const maintenance = Object.entries(endpoints.functions).find(([id]) =>
      id.startsWith('JournalMaintenanceFunction'),
    );
    const result = await lambda.send(new InvokeCommand({ FunctionName: maintenance?.[1] }));
    lambda.destroy();
    expect(result.FunctionError).toBeUndefined();
    const report = JSON.parse(Buffer.from(result.Payload as Uint8Array).toString());
    expect(['completed', 'skipped']).toContain(report.status);

    const archived = await getJson(`/api/swarms/${swarmId}/journal/page?runId=run-1`);
    expect(archived.headers.get('x-journal-source')).toBe('archive');
    // ERRORS_ONLY: the six ERROR events (i % 20 === 0), the first of which is also the lifecycle outcome.
    expect(archived.body.items).toHaveLength(6);
  });

  test('the pin is journaled as a hive audit event naming the IAM principal that signed it', async () => {
    const audit = await getJson(`/api/journal/hive/page?kind=audit&swarmId=${swarmId}`);

    expect(audit.body.items).toEqual([
      expect.objectContaining({
        type: 'journal-run-pinned',
        runId: 'run-1',
        data: expect.objectContaining({ mode: 'ERRORS_ONLY', name: 'e2e', created: true }),
        actor: expect.stringMatching(/^arn:aws:iam::\d{12}:root$/),
      }),
    ]);
  });

  test('bad input is a 4xx problem, never a 500', async () => {
    const response = await apiFetch(`/api/swarms/${swarmId}/journal/page?limit=-1`);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  test('SIGTERM shuts everything down within a few seconds', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = Date.now();

    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    await expect(fetch(`${endpoints.apiUrl}health`)).rejects.toThrow();
  });
});
