import { describe, expect, test } from 'vitest';
import { OverloadBuffer } from '../../lib/client/overload-buffer.ts';
import type { Severity } from '../../lib/journal/event-schema.ts';

interface Item {
  readonly name: string;
  readonly severity: Severity;
  readonly seq: number;
}

/** A buffer and a publish function naming each item `<severity>-<n>` in publish order. */
function bufferOf(capacity: number) {
  const buffer = new OverloadBuffer<Item>({ capacity, weigh: () => 10 });
  let seq = 0;
  const publish = (severity: Severity) => {
    const item = { name: `${severity}-${seq}`, severity, seq: seq++ };
    return { item, lost: buffer.offer(item) };
  };
  const marker = () => buffer.addMarker({ name: `MARKER-${seq}`, severity: 'WARN', seq: seq++ });
  const names = () => buffer.takeAll().map((item) => item.name);
  return { buffer, publish, marker, names };
}

describe('OverloadBuffer', () => {
  test('keeps every item while there is room', () => {
    const { publish, names } = bufferOf(3);

    const lost = [publish('INFO'), publish('DEBUG'), publish('ERROR')].map((offer) => offer.lost);

    expect(lost).toEqual([undefined, undefined, undefined]);
    expect(names()).toEqual(['INFO-0', 'DEBUG-1', 'ERROR-2']);
  });

  test('drops an incoming INFO when the buffer is full of INFO', () => {
    const { publish, names } = bufferOf(2);
    publish('INFO');
    publish('INFO');

    const { item, lost } = publish('INFO');

    expect(lost).toBe(item);
    expect(names()).toEqual(['INFO-0', 'INFO-1']);
  });

  test('drops an incoming DEBUG when full, before any INFO', () => {
    const { publish, names } = bufferOf(2);
    publish('INFO');
    publish('INFO');

    const { item, lost } = publish('DEBUG');

    expect(lost).toBe(item);
    expect(names()).toEqual(['INFO-0', 'INFO-1']);
  });

  test('lets an incoming INFO evict a buffered DEBUG', () => {
    const { publish, names } = bufferOf(2);
    publish('DEBUG');
    publish('INFO');

    const { lost } = publish('INFO');

    expect(lost?.name).toBe('DEBUG-0');
    expect(names()).toEqual(['INFO-1', 'INFO-2']);
  });

  test('lets a WARN evict the newest buffered INFO', () => {
    const { publish, names } = bufferOf(3);
    publish('INFO');
    publish('INFO');
    publish('ERROR');

    const { lost } = publish('WARN');

    expect(lost?.name).toBe('INFO-1');
    expect(names()).toEqual(['INFO-0', 'ERROR-2', 'WARN-3']);
  });

  test('lets an ERROR evict a DEBUG before any INFO', () => {
    const { publish, names } = bufferOf(2);
    publish('INFO');
    publish('DEBUG');

    const { lost } = publish('ERROR');

    expect(lost?.name).toBe('DEBUG-1');
    expect(names()).toEqual(['INFO-0', 'ERROR-2']);
  });

  test('drops a WARN or ERROR only when no INFO or DEBUG is left to evict', () => {
    const { publish, names } = bufferOf(2);
    publish('INFO');
    publish('WARN');
    const first = publish('ERROR');

    const second = publish('ERROR');

    expect(first.lost?.name).toBe('INFO-0');
    expect(second.lost).toBe(second.item);
    expect(names()).toEqual(['WARN-1', 'ERROR-2']);
  });

  test('never lets an ERROR evict a WARN', () => {
    const { publish, names } = bufferOf(1);
    publish('WARN');

    const { item, lost } = publish('ERROR');

    expect(lost).toBe(item);
    expect(names()).toEqual(['WARN-0']);
  });

  test('keeps markers beside the capacity and never drops them', () => {
    const { buffer, publish, marker, names } = bufferOf(2);
    publish('ERROR');
    marker();
    publish('ERROR');
    marker();

    const { item, lost } = publish('ERROR');

    expect(lost).toBe(item);
    expect(buffer.publishedSize).toBe(2);
    expect(buffer.size).toBe(4);
    expect(names()).toEqual(['ERROR-0', 'MARKER-1', 'ERROR-2', 'MARKER-3']);
  });

  test('gives items back in publish order across severities and markers', () => {
    const { publish, marker, names } = bufferOf(10);
    publish('WARN');
    publish('DEBUG');
    marker();
    publish('INFO');
    publish('ERROR');

    expect(names()).toEqual(['WARN-0', 'DEBUG-1', 'MARKER-2', 'INFO-3', 'ERROR-4']);
  });

  test('tracks the weight of what it holds through evictions and takes', () => {
    const { buffer, publish } = bufferOf(2);
    publish('INFO');
    publish('INFO');
    publish('WARN');

    buffer.take();

    expect(buffer.weight).toBe(10);
  });

  test('refuses a capacity below one', () => {
    expect(() => new OverloadBuffer<Item>({ capacity: 0, weigh: () => 1 })).toThrow(RangeError);
  });
});
