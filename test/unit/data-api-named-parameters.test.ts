import { describe, expect, test } from 'vitest';
import { translateNamedParameters } from '../../local/data-api/named-parameters.ts';

describe('translating :name parameters to $n', () => {
  test('numbers parameters in order of first use and reuses the number of a repeated name', () => {
    const statement = translateNamedParameters('SELECT :a, :b, :a');

    expect(statement.text).toBe('SELECT $1, $2, $1');
    expect(statement.names).toEqual(['a', 'b']);
  });

  test('leaves ::type casts alone, also right after a parameter', () => {
    const statement = translateNamedParameters("SELECT :doc::jsonb ->> 'a', now()::date");

    expect(statement.text).toBe("SELECT $1::jsonb ->> 'a', now()::date");
    expect(statement.names).toEqual(['doc']);
  });

  test.each([
    ['a string literal', "SELECT ':a', 'it''s :b'", "SELECT ':a', 'it''s :b'"],
    ['an escape string with a backslash-escaped quote', "SELECT E'\\' :a'", "SELECT E'\\' :a'"],
    ['a quoted identifier', 'SELECT 1 AS ":a"', 'SELECT 1 AS ":a"'],
    ['a line comment', 'SELECT 1 -- :a\n', 'SELECT 1 -- :a\n'],
    ['a nested block comment', 'SELECT /* :a /* :b */ :c */ 1', 'SELECT /* :a /* :b */ :c */ 1'],
    ['a dollar-quoted body', 'SELECT $$ :a $$, $fn$ :b $fn$', 'SELECT $$ :a $$, $fn$ :b $fn$'],
  ])('does not read a parameter inside %s', (_where, sql, expected) => {
    const statement = translateNamedParameters(sql);

    expect(statement.text).toBe(expected);
    expect(statement.names).toEqual([]);
  });

  test('reads a parameter right after a string literal ends', () => {
    const statement = translateNamedParameters("SELECT 'x'||:a");

    expect(statement.text).toBe("SELECT 'x'||$1");
  });

  test('does not take a positional $1 for a dollar quote', () => {
    const statement = translateNamedParameters('SELECT $1, :a');

    expect(statement.text).toBe('SELECT $1, $1');
  });

  test('counts one statement when only a trailing semicolon follows', () => {
    expect(translateNamedParameters('SELECT 1; -- done\n').statementCount).toBe(1);
  });

  test('counts two statements separated by a semicolon outside literals', () => {
    expect(translateNamedParameters("SELECT ';'; SELECT 2").statementCount).toBe(2);
  });

  test('notices a BEGIN ATOMIC body, whose semicolons belong to one statement', () => {
    const statement = translateNamedParameters(
      'CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END',
    );

    expect(statement.hasAtomicBody).toBe(true);
  });
});
