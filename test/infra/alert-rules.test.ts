import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The Prometheus alerting rules over GET /metrics, checked and unit-tested by the real promtool
// (Debian's prometheus package, installed by .ci/run): a missing promtool is a failure, not a skip.
const run = promisify(execFile);
const DIR = join(import.meta.dirname, '..', '..', 'grafana', 'prometheus');
const RULES = 'hive-journal.rules.yml';
const TESTS = 'hive-journal.rules.test.json';

interface RuleTests {
  readonly tests: ReadonlyArray<{
    readonly alert_rule_test: ReadonlyArray<{
      readonly alertname: string;
      readonly exp_alerts: readonly unknown[];
    }>;
  }>;
}

const promtool = (...args: string[]) => run('promtool', args, { cwd: DIR });

describe('the Prometheus alerting rules (grafana/prometheus)', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await promtool('check', 'rules', RULES);

    expect(stdout).toContain('SUCCESS');
  });

  it('pass promtool test rules', async () => {
    const { stdout } = await promtool('test', 'rules', TESTS);

    expect(stdout).toContain('SUCCESS');
  });

  it('test every alert both firing and staying quiet', async () => {
    const alerts = [...(await readFile(join(DIR, RULES), 'utf8')).matchAll(/^\s*- alert: (\w+)$/gm)].map(
      (m) => m[1],
    );
    const cases = (JSON.parse(await readFile(join(DIR, TESTS), 'utf8')) as RuleTests).tests.flatMap(
      (test) => test.alert_rule_test,
    );

    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      const own = cases.filter((c) => c.alertname === alert);
      expect([alert, own.some((c) => c.exp_alerts.length > 0)]).toEqual([alert, true]);
      expect([alert, own.some((c) => c.exp_alerts.length === 0)]).toEqual([alert, true]);
    }
  });

  it('fail promtool test rules when a threshold moves (the tests hold the thresholds)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'alert-rules-'));
    try {
      const rules = await readFile(join(DIR, RULES), 'utf8');
      const moved = rules.replace(
        'hive_journal_swarm_error_ratio > 0.25',
        'hive_journal_swarm_error_ratio > 0.35',
      );
      expect(moved).not.toBe(rules);
      await writeFile(join(dir, RULES), moved);
      await copyFile(join(DIR, TESTS), join(dir, TESTS));

      const failure = await run('promtool', ['test', 'rules', TESTS], { cwd: dir }).then(
        () => undefined,
        (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
      );

      expect(failure).toContain('FAILED');
      expect(failure).toContain('alertname: HiveJournalSwarmErrorRateHigh');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
