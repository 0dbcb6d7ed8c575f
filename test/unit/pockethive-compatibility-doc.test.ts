import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';

// docs/pockethive-compatibility.md and the tests that pin it, read as text: every table row names a
// test `<id> <behaviour>` in the integration file, every test there is a row, and every source a
// row cites is listed.

const DOC = new URL('../../docs/pockethive-compatibility.md', import.meta.url);
const TESTS = new URL('../integration/pockethive-compatibility.test.ts', import.meta.url);

/** A row id: C (differs on purpose) or F (fixed to match), two digits. */
const ROW_ID = /^[CF]\d{2}$/;

interface DocRow {
  readonly id: string;
  readonly behaviour: string;
  readonly sources: readonly string[];
}

/** The cells of a markdown table line, trimmed (no cell of this doc holds an escaped pipe). */
function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** Every table row whose first cell is a row id; its sources are the P-numbers of its last cell. */
function docRows(text: string): DocRow[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map(cellsOf)
    .filter((cells) => ROW_ID.test(cells[0] ?? ''))
    .map((cells) => ({
      id: cells[0] as string,
      behaviour: cells[1] ?? '',
      sources: (cells.at(-1) ?? '').split(',').map((source) => source.trim()),
    }));
}

/** The names of the sources the doc lists (`- P1: ...`) and defines as links (`[P1]: https://...`). */
function listedSources(text: string): { listed: string[]; linked: string[] } {
  return {
    listed: [...text.matchAll(/^- (P\d+): /gm)].map((match) => match[1] as string),
    linked: [...text.matchAll(/^\[(P\d+)\]: https:\/\/github\.com\/sepa79\/PocketHive\//gm)].map(
      (match) => match[1] as string,
    ),
  };
}

/** The name of every test(...) in a test file, quotes and escapes undone. */
function testNames(source: string): string[] {
  return [...source.matchAll(/\btest(?:\.\w+)?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)].map((match) =>
    (match[2] as string).replace(/\\(.)/g, '$1'),
  );
}

describe('docs/pockethive-compatibility.md and its tests', () => {
  let doc: string;
  let rows: DocRow[];
  let names: string[];

  beforeAll(async () => {
    doc = await readFile(DOC, 'utf8');
    rows = docRows(doc);
    names = testNames(await readFile(TESTS, 'utf8'));
  });

  test('has both tables, their ids unique and numbered from 01 without gaps', () => {
    for (const prefix of ['C', 'F']) {
      const ids = rows.map((row) => row.id).filter((id) => id.startsWith(prefix));
      expect(ids.length, prefix).toBeGreaterThan(0);
      expect(ids).toEqual(ids.map((_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`));
    }
  });

  test('every row has a test named by its id and behaviour', () => {
    const missing = rows.map((row) => `${row.id} ${row.behaviour}`).filter((name) => !names.includes(name));

    expect(missing).toEqual([]);
  });

  test('every test of the file is a row of the doc, and only one test pins each row', () => {
    const rowNames = new Set(rows.map((row) => `${row.id} ${row.behaviour}`));

    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !rowNames.has(name))).toEqual([]);
    expect(names.length).toBe(new Set(names).size);
  });

  test('every row cites PocketHive sources that the doc lists and links', () => {
    const { listed, linked } = listedSources(doc);

    expect(linked).toEqual(listed);
    for (const row of rows) {
      expect(row.sources.length, row.id).toBeGreaterThan(0);
      for (const source of row.sources) expect(listed, `${row.id} cites ${source}`).toContain(source);
    }
  });
});
