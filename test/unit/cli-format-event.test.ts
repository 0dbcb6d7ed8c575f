import { describe, expect, test } from 'vitest';
import { formatEventLine, useColour } from '../../lib/cli/format-event.ts';
import { progressBar } from '../../lib/cli/progress-line.ts';
import type { JournalItem } from '../../lib/journal/journal-item.ts';

function item(overrides: Partial<JournalItem> = {}): JournalItem {
  return {
    eventId: 7,
    timestamp: '2025-03-01T10:00:00.123Z',
    swarmId: 'swarm-a',
    runId: 'run-1',
    severity: 'WARN',
    direction: 'IN',
    kind: 'event',
    type: 'alert',
    origin: 'processor-1',
    scope: { swarmId: 'swarm-a', role: 'processor', instance: 'processor-1' },
    correlationId: null,
    idempotencyKey: null,
    routingKey: null,
    data: { code: 'sut.http-503' },
    raw: null,
    extra: null,
    eventUid: null,
    traceId: null,
    actor: null,
    subjectSwarmId: null,
    ...overrides,
  };
}

describe('formatEventLine', () => {
  test('says when, how bad, where, what, who and the start of the data', () => {
    expect(formatEventLine(item(), { colour: false })).toBe(
      '2025-03-01T10:00:00.123Z WARN  swarm-a/run-1 event/alert processor-1 -> processor/processor-1  {"code":"sut.http-503"}',
    );
  });

  test('colours by severity: ERROR red, WARN yellow, INFO plain', () => {
    const red = formatEventLine(item({ severity: 'ERROR' }), { colour: true });

    expect([red.startsWith('\x1b[31m'), red.endsWith('\x1b[0m')]).toEqual([true, true]);
    expect(formatEventLine(item({ severity: 'WARN' }), { colour: true }).startsWith('\x1b[33m')).toBe(true);
    expect(formatEventLine(item({ severity: 'INFO' }), { colour: true })).not.toContain('\x1b[');
  });

  test('shortens long data to one readable line', () => {
    const line = formatEventLine(item({ data: { text: 'x'.repeat(500) } }), { colour: false });

    expect(line.length).toBeLessThan(300);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('useColour', () => {
  const tty = { isTTY: true, write: () => true, once: () => undefined };

  test('colours a terminal unless NO_COLOR is set', () => {
    expect(useColour({ stdout: tty, env: {} })).toBe(true);
    expect(useColour({ stdout: tty, env: { NO_COLOR: '1' } })).toBe(false);
  });

  test('does not colour a pipe unless FORCE_COLOR is set', () => {
    const pipe = { ...tty, isTTY: false };

    expect(useColour({ stdout: pipe, env: {} })).toBe(false);
    expect(useColour({ stdout: pipe, env: { FORCE_COLOR: '1' } })).toBe(true);
  });
});

describe('progressBar', () => {
  test('fills in proportion to what is done', () => {
    expect(progressBar(1, 4, 8)).toBe('[##------] 25%');
    expect(progressBar(0, 0, 4)).toBe('[####] 100%');
  });
});
