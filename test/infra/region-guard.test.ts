import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DATA_API_REGIONS_READ_ON, REGIONS_WITHOUT_DATA_API } from '../../infra/data-api-regions.ts';
import { JournalService, type JournalServiceProps } from '../../infra/journal-service.ts';
import { InvalidJournalPropsError } from '../../infra/props-problems.ts';
import { CDK_CONTEXT, SKIP_BUNDLING } from './journal-synth.ts';

const run = promisify(execFile);

function problemsIn(region: string | undefined, props: JournalServiceProps = {}): readonly string[] {
  const app = new App({ context: { ...CDK_CONTEXT, ...SKIP_BUNDLING } });
  const stack = new Stack(app, 'JournalHost', region ? { env: { account: '123456789012', region } } : {});
  try {
    new JournalService(stack, 'Journal', props);
  } catch (error) {
    if (error instanceof InvalidJournalPropsError) return error.problems;
    throw error;
  }
  return [];
}

describe('the Data API region guard', () => {
  it('fails the synth of a stack in a region without the Data API, naming the region and the table read', () => {
    const problems = problemsIn('ap-south-2');

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('ap-south-2 (Asia Pacific (Hyderabad)) does not offer the RDS Data API');
    expect(problems[0]).toContain(`as read on ${DATA_API_REGIONS_READ_ON}`);
  });

  it('refuses every listed region', () => {
    for (const region of Object.keys(REGIONS_WITHOUT_DATA_API)) {
      expect(problemsIn(region), region).toEqual([expect.stringContaining(`region ${region} (`)]);
    }
  });

  it('checks the region an environment-agnostic stack deploys to', () => {
    expect(problemsIn(undefined, { deployRegion: 'ap-southeast-4' })).toEqual([
      expect.stringContaining('ap-southeast-4 (Asia Pacific (Melbourne))'),
    ]);
  });

  it('accepts regions with the Data API, and an environment-agnostic stack without a deploy region', () => {
    expect(problemsIn('us-east-1')).toEqual([]);
    expect(problemsIn('eu-west-1')).toEqual([]);
    expect(problemsIn(undefined, { deployRegion: 'us-west-2' })).toEqual([]);
    expect(problemsIn(undefined)).toEqual([]);
  });

  it("takes the CDK CLI's region in infra/app.ts: cdk synth for such a region fails with the guard's message", async () => {
    const out = await mkdtemp(join(tmpdir(), 'region-guard-'));
    try {
      const synth = run(process.execPath, ['infra/app.ts'], {
        env: {
          ...process.env,
          CDK_DEFAULT_REGION: 'ap-southeast-6',
          CDK_OUTDIR: out,
          CDK_CONTEXT_JSON: JSON.stringify(SKIP_BUNDLING),
        },
      });

      await expect(synth).rejects.toMatchObject({
        stderr: expect.stringContaining(
          'ap-southeast-6 (Asia Pacific (New Zealand)) does not offer the RDS Data API',
        ),
      });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});
