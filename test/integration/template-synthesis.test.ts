import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readAssemblyStack } from '../../local/template/cloud-assembly.ts';
import { synthesize } from '../../local/template/synthesize.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
let outDir: string;

beforeAll(async () => {
  outDir = join(await mkdtemp(join(tmpdir(), 'hive-journal-synth-')), 'out');
});

afterAll(async () => {
  await rm(join(outDir, '..'), { recursive: true, force: true });
});

function synth(label: string) {
  return synthesize({
    projectRoot: REPO,
    outDir,
    context: { label },
    app: `"${process.execPath}" test/support/tiny-app.ts`,
    extraInputs: ['test/support/tiny-app.ts'],
  });
}

describe('synthesize', () => {
  test('runs cdk synth, then re-uses the assembly while its inputs are the same', async () => {
    const cold = await synth('a');
    const warm = await synth('a');

    expect(cold.cached).toBe(false);
    expect(warm.cached).toBe(true);
    expect((await readAssemblyStack(warm.assemblyDir)).template.Resources).toHaveProperty('Queue4A7E3555');
  }, 60_000);

  test('synthesizes again when the context changes, and the template says so', async () => {
    const changed = await synth('b');
    const template = JSON.parse(await readFile(join(changed.assemblyDir, 'Tiny.template.json'), 'utf8'));

    expect(changed.cached).toBe(false);
    expect(template.Description).toBe('tiny b');
  }, 60_000);

  test('a failing app stops the synthesis with its output', async () => {
    await expect(
      synthesize({
        projectRoot: REPO,
        outDir,
        context: {},
        app: `"${process.execPath}" -e "throw new Error('boom')"`,
      }),
    ).rejects.toThrow(/cdk synth failed[\s\S]*boom/);
  }, 60_000);
});
