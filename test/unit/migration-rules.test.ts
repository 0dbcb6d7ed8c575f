import { describe, expect, test } from 'vitest';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import { checkMigration } from '../support/migration-rules.ts';

const rulesOf = (sql: string) => checkMigration('9999_sample.sql', sql).map((violation) => violation.rule);

describe('migration rules', () => {
  test('the repository migrations follow them', async () => {
    const migrations = await readMigrationFiles();

    const violations = migrations.flatMap((m) => checkMigration(`${m.version}_${m.name}.sql`, m.sql));

    expect(violations).toEqual([]);
  });

  test.each([
    ['drop-column', 'ALTER TABLE journal_run DROP COLUMN test_plan;'],
    ['drop-column', 'ALTER TABLE journal_run ADD COLUMN note TEXT NULL, DROP test_plan;'],
    ['drop-table', 'DROP TABLE journal_rejected;'],
    ['drop-table', 'DROP TABLE IF EXISTS journal_event_p20260101, journal_capture;'],
    ['drop-object', 'DROP INDEX uq_journal_capture_scope_swarm_run;'],
    ['drop-function', 'DROP FUNCTION journal_ensure_partition(DATE);'],
    ['rename', 'ALTER TABLE journal_event RENAME COLUMN routing_key TO route;'],
    ['rename', 'ALTER TABLE journal_run RENAME TO journal_runs;'],
    ['change-type', 'ALTER TABLE journal_run ALTER COLUMN entries TYPE INTEGER;'],
    ['change-type', 'ALTER TABLE journal_run ALTER entries SET DATA TYPE INTEGER;'],
    ['set-not-null', 'ALTER TABLE journal_run ALTER COLUMN test_plan SET NOT NULL;'],
    ['drop-default', 'ALTER TABLE journal_event ALTER COLUMN scope_role DROP DEFAULT;'],
    ['add-not-null-column', 'ALTER TABLE journal_run ADD COLUMN owner TEXT NOT NULL;'],
    ['tighten-constraint', "ALTER TABLE journal_run ADD CONSTRAINT ck_owner CHECK (run_id <> '');"],
    ['tighten-constraint', 'CREATE UNIQUE INDEX uq_run_plan ON journal_run (test_plan);'],
    ['truncate', 'TRUNCATE journal_rejected;'],
    ['rewrite-journal-event', "UPDATE journal_event SET actor = 'x' WHERE actor IS NULL;"],
    ['rewrite-journal-event', "DELETE FROM journal_event WHERE ts < now() - interval '30 days';"],
    ['rewrite-journal-event', 'DELETE FROM journal_event_default;'],
    ['rewrite-journal-event', 'INSERT INTO journal_event_archive (id) SELECT e.id FROM journal_event e;'],
    ['rewrite-journal-event', "DO $$ BEGIN UPDATE ONLY journal_event_p20260101 SET actor = 'x'; END $$;"],
    [
      'volatile-default-on-journal-event',
      'ALTER TABLE journal_event ADD COLUMN salt UUID DEFAULT gen_random_uuid();',
    ],
  ])('flags %s in: %s', (rule, sql) => {
    expect(rulesOf(sql)).toContain(rule);
  });

  test.each([
    ['a nullable column', 'ALTER TABLE journal_run ADD COLUMN note TEXT NULL;'],
    [
      'a column with a constant default',
      "ALTER TABLE journal_event ADD COLUMN tier TEXT NOT NULL DEFAULT 'std';",
    ],
    [
      'a table with its constraints and unique index',
      'CREATE TABLE t (a INT NOT NULL, b INT); CREATE UNIQUE INDEX uq_t ON t (a); ALTER TABLE t ADD CONSTRAINT ck CHECK (b > 0);',
    ],
    [
      'an index on the partitioned parent',
      'CREATE INDEX idx_journal_event_actor ON journal_event (actor, ts DESC, id DESC);',
    ],
    ['loosening a constraint', 'ALTER TABLE journal_run ALTER COLUMN test_plan DROP NOT NULL;'],
    ['a daily partition dropped', 'DROP TABLE journal_event_p20260101;'],
    [
      'a function body that drops and deletes when called',
      "CREATE FUNCTION f(day DATE) RETURNS VOID LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('DROP TABLE %I', 'x'); DELETE FROM journal_event_default; END $$;",
    ],
    [
      'a function replaced with the same arguments',
      'DROP FUNCTION f(DATE); CREATE FUNCTION f(day DATE) RETURNS INT LANGUAGE sql AS $$ SELECT 1 $$;',
    ],
    ['words of the rules in comments', '-- never DROP COLUMN, never UPDATE journal_event\nSELECT 1;'],
    ['the archive table updated', "UPDATE journal_event_archive SET actor = 'x' WHERE false;"],
  ])('allows %s', (_what, sql) => {
    expect(rulesOf(sql)).toEqual([]);
  });

  test('flags a function dropped and re-created with other arguments', () => {
    const sql =
      'DROP FUNCTION f(DATE); CREATE FUNCTION f(day DATE, n INTEGER) RETURNS INT LANGUAGE sql AS $$ SELECT 1 $$;';

    expect(rulesOf(sql)).toEqual(['drop-function']);
  });

  test('a contract marker naming the release allows destructive DDL', () => {
    const sql =
      '-- contract: 0.3.0 stopped reading journal_run.test_plan\nALTER TABLE journal_run DROP COLUMN test_plan;';

    expect(rulesOf(sql)).toEqual([]);
  });

  test('a contract marker that names no release allows nothing', () => {
    const sql = '-- contract: nobody reads it\nALTER TABLE journal_run DROP COLUMN test_plan;';

    expect(rulesOf(sql)).toEqual(['drop-column']);
  });

  test('a contract marker does not allow a data rewrite of journal_event', () => {
    const sql = '-- contract: 0.3.0 stopped writing actor\nUPDATE journal_event SET actor = NULL;';

    expect(rulesOf(sql)).toEqual(['rewrite-journal-event']);
  });

  test('a violation names the file, the rule, why, and the statement', () => {
    const [violation] = checkMigration('0042_drop.sql', 'ALTER TABLE journal_run\n  DROP COLUMN test_plan;');

    expect(violation).toEqual({
      file: '0042_drop.sql',
      rule: 'drop-column',
      kind: 'destructive',
      reason: expect.stringContaining('previous release'),
      statement: 'ALTER TABLE journal_run DROP COLUMN test_plan',
    });
  });
});
