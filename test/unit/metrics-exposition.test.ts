import { describe, expect, test } from 'vitest';
import { escapeLabelValue, formatExposition } from '../../lib/api/metrics-exposition.ts';
import type { MetricFamily } from '../../lib/use-cases/read-metrics.ts';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.ts';

const families: MetricFamily[] = [
  {
    name: 'x_total',
    type: 'counter',
    help: 'Counts "things" \\ over\ntwo lines.',
    samples: [
      { name: 'x_total', labels: { kind: 'a"b\\c\nd', scope: 'SWARM' }, value: 3 },
      { name: 'x_total', labels: { kind: '', scope: 'HIVE' }, value: 0 },
    ],
  },
  { name: 'empty', type: 'gauge', help: 'No samples yet.', samples: [] },
  {
    name: 'lag_seconds',
    type: 'histogram',
    help: 'Lag.',
    samples: [
      { name: 'lag_seconds_bucket', labels: { le: '1' }, value: 1 },
      { name: 'lag_seconds_bucket', labels: { le: '+Inf' }, value: 2 },
      { name: 'lag_seconds_sum', labels: {}, value: 0.125 },
      { name: 'lag_seconds_count', labels: {}, value: 2 },
    ],
  },
  {
    name: 'odd',
    type: 'gauge',
    help: 'Odd values.',
    samples: [
      { name: 'odd', labels: { v: 'nan' }, value: Number.NaN },
      { name: 'odd', labels: { v: 'inf' }, value: Number.POSITIVE_INFINITY },
      { name: 'odd', labels: { v: 'big' }, value: 1.5e21 },
    ],
  },
];

describe('the Prometheus exposition', () => {
  test('writes HELP and TYPE before each family and escapes HELP text and label values', () => {
    const text = formatExposition(families);

    expect(text.split('\n').slice(0, 4)).toEqual([
      '# HELP x_total Counts "things" \\\\ over\\ntwo lines.',
      '# TYPE x_total counter',
      'x_total{kind="a\\"b\\\\c\\nd",scope="SWARM"} 3',
      'x_total{kind="",scope="HIVE"} 0',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  test('round-trips through a strict parser of the format', () => {
    const parsed = parsePrometheusText(formatExposition(families));

    expect(parsed.get('x_total')?.help).toBe('Counts "things" \\ over\ntwo lines.');
    expect(sampleValue(parsed, 'x_total', { kind: 'a"b\\c\nd', scope: 'SWARM' })).toBe(3);
    expect(parsed.get('empty')?.samples).toEqual([]);
    expect(sampleValue(parsed, 'lag_seconds', {}, 'lag_seconds_sum')).toBe(0.125);
    expect(sampleValue(parsed, 'odd', { v: 'nan' })).toBeNaN();
    expect(sampleValue(parsed, 'odd', { v: 'inf' })).toBe(Number.POSITIVE_INFINITY);
    expect(sampleValue(parsed, 'odd', { v: 'big' })).toBe(1.5e21);
  });

  test.each([
    ['plain', 'plain'],
    ['quote "q"', 'quote \\"q\\"'],
    ['back\\slash', 'back\\\\slash'],
    ['line\nfeed', 'line\\nfeed'],
    ['\\"', '\\\\\\"'],
  ])('escapes the label value %j', (value, escaped) => {
    expect(escapeLabelValue(value)).toBe(escaped);
  });
});
