import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { METRIC_DEFINITIONS } from '../../lib/use-cases/read-metrics.ts';

const DOC = new URL('../../docs/metrics.md', import.meta.url);

interface DocRow {
  readonly name: string;
  readonly type: string;
  readonly labels: readonly string[];
  readonly help: string;
}

async function documentedFamilies(): Promise<DocRow[]> {
  const text = await readFile(DOC, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `hive_journal_'))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return {
        name: (cells[0] ?? '').replaceAll('`', ''),
        type: cells[1] ?? '',
        labels:
          cells[2] === '—'
            ? []
            : (cells[2] ?? '').split(',').map((label) => label.trim().replaceAll('`', '')),
        help: cells[3] ?? '',
      };
    });
}

describe('docs/metrics.md', () => {
  test('lists every family /metrics exposes, with its type, labels and exact HELP text, and no other', async () => {
    const documented = await documentedFamilies();

    expect(documented).toEqual(
      Object.values(METRIC_DEFINITIONS).map(({ name, type, labels, help }) => ({ name, type, labels, help })),
    );
  });

  test('names every family with the hive_journal_ prefix, counters ending in _total', () => {
    for (const family of Object.values(METRIC_DEFINITIONS)) {
      expect(family.name).toMatch(/^hive_journal_[a-z_]+$/);
      expect(family.name.endsWith('_total')).toBe(family.type === 'counter');
    }
  });
});
