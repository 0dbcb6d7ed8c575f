import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, resourcesOf, synthJournal } from './journal-synth.ts';

// The Prometheus alerting rules over GET /metrics, checked and unit-tested by the real promtool
// (Debian's prometheus package, installed by .ci/run): a missing promtool is a failure, not a skip.
const run = promisify(execFile);
const DIR = join(import.meta.dirname, '..', '..', 'grafana', 'prometheus');
const RULES = 'hive-journal.rules.yml';
const TESTS = 'hive-journal.rules.test.json';
const METRICS_DOC = join(import.meta.dirname, '..', '..', 'docs', 'metrics.md');

interface RuleTests {
  readonly tests: ReadonlyArray<{
    readonly alert_rule_test: ReadonlyArray<{
      readonly alertname: string;
      readonly exp_alerts: readonly unknown[];
    }>;
  }>;
}

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** The `for` duration, or undefined without one. */
  readonly for: string | undefined;
  readonly severity: string | undefined;
}

/**
 * The alerting rules of the file, as it writes them (one `- alert:` item per rule, `expr:` on one
 * line): a reader for this file's layout, not for YAML at large. promtool checks the YAML itself.
 */
function alertRules(text: string): AlertRule[] {
  return text
    .split(/^\s*- alert: /m)
    .slice(1)
    .map((item) => ({
      alert: (item.split('\n')[0] ?? '').trim(),
      expr: item.match(/^\s*expr: (.+)$/m)?.[1]?.trim() ?? '',
      for: item.match(/^\s*for: (\S+)$/m)?.[1],
      severity: item.match(/^\s*severity: (\S+)$/m)?.[1],
    }));
}

/** The comparison an expression ends with: `> 600`, `== 1`, `< 86400`. */
function thresholdOf(expr: string): { operator: string; value: number } {
  const match = /(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)$/.exec(expr);
  if (!match) throw new Error(`no threshold at the end of ${expr}`);
  return { operator: match[1] as string, value: Number(match[2]) };
}

const promtool = (...args: string[]) => run('promtool', args, { cwd: DIR });

/** promtool test rules on the tests with these rules instead of the file's; the output of a failure. */
async function testRulesWith(rules: string): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'alert-rules-'));
  try {
    await writeFile(join(dir, RULES), rules);
    await copyFile(join(DIR, TESTS), join(dir, TESTS));
    return await run('promtool', ['test', 'rules', TESTS], { cwd: dir }).then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the Prometheus alerting rules (grafana/prometheus)', () => {
  let rulesText: string;
  let rules: AlertRule[];
  beforeAll(async () => {
    rulesText = await readFile(join(DIR, RULES), 'utf8');
    rules = alertRules(rulesText);
  });

  it('pass promtool check rules', async () => {
    const { stdout } = await promtool('check', 'rules', RULES);

    expect(stdout).toContain('SUCCESS');
    expect(stdout).toContain(`${rules.length} rules found`);
  });

  it('pass promtool test rules', async () => {
    const { stdout } = await promtool('test', 'rules', TESTS);

    expect(stdout).toContain('SUCCESS');
  });

  it('test every alert both firing and staying quiet', async () => {
    const cases = (JSON.parse(await readFile(join(DIR, TESTS), 'utf8')) as RuleTests).tests.flatMap(
      (test) => test.alert_rule_test,
    );

    expect(rules.length).toBeGreaterThan(0);
    for (const { alert } of rules) {
      const own = cases.filter((c) => c.alertname === alert);
      expect([alert, own.some((c) => c.exp_alerts.length > 0)]).toEqual([alert, true]);
      expect([alert, own.some((c) => c.exp_alerts.length === 0)]).toEqual([alert, true]);
    }
  });

  // Each threshold moved 20% either way (a zero one to -1 and 1) must break a test of its alert:
  // its tests fire just above the threshold and stay quiet at or just below it.
  it('fail promtool test rules when any threshold moves either way (the tests hold the thresholds)', async () => {
    const unheld: string[] = [];
    for (const rule of rules) {
      const { operator, value } = thresholdOf(rule.expr);
      const moves = value === 0 ? [-1, 1] : [value * 0.8, value * 1.2];
      for (const moved of moves) {
        const expr = rule.expr.replace(/(-?\d+(?:\.\d+)?)$/, String(moved));
        const changed = rulesText.replace(`expr: ${rule.expr}\n`, `expr: ${expr}\n`);
        expect(changed, rule.alert).not.toBe(rulesText);

        const failure = await testRulesWith(changed);

        if (!failure?.includes(`alertname: ${rule.alert},`))
          unheld.push(`${rule.alert} ${operator} ${moved}`);
      }
    }
    expect(unheld).toEqual([]);
  }, 60_000);
});

interface AlertRow {
  readonly alert: string;
  readonly signal: string;
  readonly threshold: string;
  readonly for: string;
  readonly severity: string;
  readonly alarms: readonly string[];
  readonly alarmThreshold: string;
  readonly alarmWindow: string;
}

/** The rows of the alert table of docs/metrics.md ("Alerting rules"). */
function alertTable(doc: string): AlertRow[] {
  return doc
    .split('\n')
    .filter((line) => line.startsWith('| `HiveJournal'))
    .map((line) => {
      const [alert, signal, threshold, forCell, severity, alarm, alarmThreshold, alarmWindow] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const code = (cell: string | undefined) => (cell ?? '').replaceAll('`', '');
      return {
        alert: code(alert),
        signal: signal ?? '',
        threshold: code(threshold),
        for: forCell ?? '',
        severity: severity ?? '',
        alarms: (alarm ?? '').startsWith('none')
          ? []
          : [...(alarm ?? '').matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1] as string),
        alarmThreshold: code(alarmThreshold),
        alarmWindow: alarmWindow ?? '',
      };
    });
}

const OPERATORS: Readonly<Record<string, string>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

describe('the alert table (docs/metrics.md) against the rules and the synthesized CloudWatch alarms', () => {
  let rules: AlertRule[];
  let rows: AlertRow[];
  let doc: string;
  let alarmIds: string[];
  let alarmOf: (id: string) => Record<string, unknown>;
  beforeAll(async () => {
    rules = alertRules(await readFile(join(DIR, RULES), 'utf8'));
    doc = await readFile(METRICS_DOC, 'utf8');
    rows = alertTable(doc);
    const { template, service } = synthJournal();
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
    alarmIds = service.observability.alarms.map((alarm) => alarm.node.id);
    alarmOf = (id) => {
      const found = alarms[logicalIdOf(service.observability.node.findChild(id))];
      if (!found) throw new Error(`No alarm ${id}`);
      return found.Properties;
    };
  });

  it('has one row per rule, in the order of the rules file', () => {
    expect(rows.map((row) => row.alert)).toEqual(rules.map((rule) => rule.alert));
  });

  it("gives each rule's threshold, for, severity and the families its expression reads", () => {
    for (const row of rows) {
      const rule = rules.find((candidate) => candidate.alert === row.alert);
      const { operator, value } = thresholdOf(rule?.expr ?? '');

      expect([row.alert, row.threshold]).toEqual([row.alert, `${operator} ${value}`]);
      expect([row.alert, row.for]).toEqual([row.alert, rule?.for ?? '—']);
      expect([row.alert, row.severity]).toEqual([row.alert, rule?.severity]);
      const families = [...row.signal.matchAll(/hive_journal_[a-z_]+/g)].map((m) => m[0]);
      expect(families.length, row.alert).toBeGreaterThan(0);
      for (const family of families) expect(rule?.expr, row.alert).toContain(family);
    }
  });

  it('maps a rule to CloudWatch alarms of the stack with the same threshold, and gives their window', () => {
    const mapped = rows.filter((row) => row.alarms.length > 0);

    expect(mapped.length).toBeGreaterThan(0);
    for (const row of mapped) {
      for (const id of row.alarms) {
        const alarm = alarmOf(id);
        const minutes = (Number(alarm.Period) * Number(alarm.EvaluationPeriods)) / 60;
        const periods = Number(alarm.EvaluationPeriods);

        expect([id, `${OPERATORS[String(alarm.ComparisonOperator)]} ${alarm.Threshold}`]).toEqual([
          id,
          row.alarmThreshold,
        ]);
        expect([id, row.alarmWindow]).toEqual([id, `${periods} × ${minutes / periods} min`]);
      }
      // The rule and its alarms watch the same thing: one threshold.
      expect([row.alert, row.alarmThreshold]).toEqual([row.alert, row.threshold]);
    }
    for (const row of rows.filter((candidate) => candidate.alarms.length === 0)) {
      expect([row.alert, row.alarmThreshold, row.alarmWindow]).toEqual([row.alert, '—', '—']);
    }
  });

  it('names every CloudWatch alarm of the stack, with a rule or as watching what /metrics cannot see', () => {
    const section = doc.slice(doc.indexOf('## Alerting rules'));

    expect(alarmIds.length).toBeGreaterThan(0);
    expect(alarmIds.filter((id) => !section.includes(`\`${id}\``))).toEqual([]);
  });
});
