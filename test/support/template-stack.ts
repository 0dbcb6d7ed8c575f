import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createSigV4Signer } from '../../lib/cli/sigv4-signer.ts';
import { type LocalStackOptions, type RunningLocalStack, startLocalStack } from '../../local/local-stack.ts';

/** A running template stack of a test, on the run's PostgreSQL server in databases of its own. */
export interface TestTemplateStack extends RunningLocalStack {
  readonly stateDir: string;
  /** fetch against the stage URL (`path` without a leading slash), signed with the local credentials. */
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
      return fetch(url, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) });
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
