import { describe, expect, test } from 'vitest';
import { splitSqlStatements } from '../../lib/migrations/split-sql-statements.ts';

describe('splitSqlStatements', () => {
  test('splits top-level statements and trims them', () => {
    expect(splitSqlStatements('SELECT 1;\n  SELECT 2 ;\nSELECT 3')).toEqual([
      'SELECT 1',
      'SELECT 2',
      'SELECT 3',
    ]);
  });

  test('keeps semicolons inside string literals, quoted identifiers and E-strings', () => {
    const script = `INSERT INTO t VALUES ('a;b', 'it''s;'); SELECT "odd;name" FROM t; SELECT E'x\\';y'`;
    expect(splitSqlStatements(script)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s;')",
      'SELECT "odd;name" FROM t',
      "SELECT E'x\\';y'",
    ]);
  });

  test('keeps a dollar-quoted function body whole, with or without a tag', () => {
    const script =
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nDO $body$ BEGIN PERFORM 1; END $body$;';
    expect(splitSqlStatements(script)).toEqual([
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$',
      'DO $body$ BEGIN PERFORM 1; END $body$',
    ]);
  });

  test('ignores semicolons in line and nested block comments and drops comment-only chunks', () => {
    const script = '-- a; b\nSELECT 1; /* x; /* nested; */ y; */ SELECT 2;\n-- trailing; comment\n';
    expect(splitSqlStatements(script)).toEqual(['-- a; b\nSELECT 1', '/* x; /* nested; */ y; */ SELECT 2']);
  });

  test('does not take a positional parameter for a dollar quote', () => {
    expect(splitSqlStatements('SELECT $1; SELECT $2')).toEqual(['SELECT $1', 'SELECT $2']);
  });
});
