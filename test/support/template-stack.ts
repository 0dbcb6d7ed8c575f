import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createSigV4Signer } from '../../lib/cli/sigv4-signer.ts';
import { type LocalStackOptions, type RunningLocalStack, startLocalStack } from '../../local/local-stack.ts';

/** A running template stack of a test, on the run's PostgreSQL server in databases of its own. */
export interface TestTemplateStack extends RunningLocalStack {
  readonly stateDir: string;
  /**
   * fetch against the stage URL (`path` without a leading slash), signed with the local credentials;
   * a body is sent as application/json (the API's one body type).
   */
  signedFetch(path: string, init?: { method?: string; body?: string }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts the synthesized template (the run's dev assembly unless another is given) the way
 * `npm start` does, with a temporary state directory and free ports.
 */
export async function startTestTemplateStack(
  options: Partial<Omit<LocalStackOptions, 'stateDir' | 'log'>> & { log?: (line: string) => void } = {},
): Promise<TestTemplateStack> {
  const stateDir = await mkdtemp(join(tmpdir(), 'hive-journal-template-'));
  const lines: string[] = [];
  const stack = await startLocalStack({
    fresh: true,
    assemblyDir: inject('assemblyDir'),
    postgresServerUrl: inject('postgresServerUrl'),
    databasePrefix: `t${randomUUID().replaceAll('-', '').slice(0, 12)}_`,
    apiPort: 0,
    ...options,
    stateDir,
    log: options.log ?? ((line) => lines.push(line)),
  });
  const { credentials, region, apiUrl } = stack.endpoints;
  const sign = createSigV4Signer(region, credentials);
  return {
    ...stack,
    stateDir,
    signedFetch: async (path, init = {}) => {
      const url = new URL(path, apiUrl);
      const method = init.method ?? 'GET';
      const headers = await sign(url, { method, ...(init.body === undefined ? {} : { body: init.body }) });
      if (init.body === undefined) return fetch(url, { method, headers });
      return fetch(url, {
        method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: init.body,
      });
    },
    close: async () => {
      await stack.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `probe` gives a value (not undefined); fails naming what it waited for after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the matching functions wrote to their log files (<stateDir>/logs/<logical id>.log). */
export async function readFunctionLogs(target: TestTemplateStack, logicalId: RegExp): Promise<string> {
  const dir = join(target.stateDir, 'logs');
  const files = (await readdir(dir)).filter((file) => logicalId.test(file));
  return (await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')))).join('\n');
}

/** Waits until the stack's auto-pausing cluster has paused. */
export async function pausedCluster(target: TestTemplateStack, timeoutMs?: number): Promise<void> {
  await eventually(
    'the cluster to pause',
    async () => (target.clusterState() === 'paused' ? true : undefined),
    timeoutMs,
  );
}

/** The deployed name of the stack's function whose logical id starts with `prefix`. */
export function functionNamed(target: TestTemplateStack, prefix: string): string {
  const name = Object.entries(target.endpoints.functions).find(([id]) => id.startsWith(prefix))?.[1];
  if (name === undefined) throw new Error(`The template has no function ${prefix}*`);
  return name;
}
