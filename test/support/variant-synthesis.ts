import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesize } from '../../local/template/synthesize.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The variant the template-stack tests run besides the dev stage: a batch size of 10, a public
 * /metrics, and an ingest timeout of 2 s (so a failed batch is visible again after 12 s).
 */
export const TEST_VARIANT = { ingestBatchSize: 10, publicMetrics: true, ingestTimeoutSeconds: 2 };

/** Synthesizes test/support/variant-app.ts with these settings (cached by them and the app's inputs). */
export async function synthesizeVariant(variant: Record<string, unknown>): Promise<string> {
  const key = Buffer.from(JSON.stringify(variant)).toString('base64url').slice(0, 40);
  const synthesis = await synthesize({
    projectRoot: REPO,
    outDir: join(REPO, '.hive-journal', 'cdk.out', `test-variant-${key}`),
    context: { variant: JSON.stringify(variant) },
    app: `"${process.execPath}" test/support/variant-app.ts`,
    extraInputs: ['test/support/variant-app.ts', 'test/support/sleepy-function.ts'],
  });
  return synthesis.assemblyDir;
}
