import { describe, expect, test } from 'vitest';
import { PrometheusParseError, parsePrometheusText, sampleValue } from '../support/prometheus-text.ts';

const VALID = [
  '# HELP jobs_total Jobs done, "quoted" \\\\ and a\\nnew line.',
  '# TYPE jobs_total counter',
  'jobs_total{kind="a\\"b\\\\c\\nd",scope="SWARM",} 3',
  'jobs_total{kind="",scope="HIVE"} 1.5e3 1700000000000',
  '# a comment',
  '',
  '# TYPE lag_seconds histogram',
  'lag_seconds_bucket{le="0.5"} 1',
  'lag_seconds_bucket{le="+Inf"} 2',
  'lag_seconds_sum 3.25',
  'lag_seconds_count 2',
  'untyped_thing NaN',
  '',
].join('\n');

describe('the strict Prometheus text parser of the tests', () => {
  test('reads families, HELP, types, escaped label values, floats and histograms', () => {
    const families = parsePrometheusText(VALID);

    expect(families.get('jobs_total')).toMatchObject({
      type: 'counter',
      help: 'Jobs done, "quoted" \\ and a\nnew line.',
    });
    expect(sampleValue(families, 'jobs_total', { kind: 'a"b\\c\nd', scope: 'SWARM' })).toBe(3);
    expect(sampleValue(families, 'jobs_total', { kind: '', scope: 'HIVE' })).toBe(1500);
    expect(sampleValue(families, 'lag_seconds', { le: '+Inf' }, 'lag_seconds_bucket')).toBe(2);
    expect(sampleValue(families, 'lag_seconds', {}, 'lag_seconds_sum')).toBe(3.25);
    expect(families.get('untyped_thing')?.type).toBe('untyped');
  });

  test.each([
    ['a value that is not a float', 'a 1x\n'],
    ['a missing value', 'a{k="v"}\n'],
    ['an unterminated label value', 'a{k="v} 1\n'],
    ['an unquoted label value', 'a{k=v} 1\n'],
    ['an invalid escape in a label value', 'a{k="\\q"} 1\n'],
    ['an invalid escape in HELP', '# HELP a x\\"y\na 1\n'],
    ['a metric name starting with a digit', '1a 1\n'],
    ['a label twice', 'a{k="1",k="2"} 1\n'],
    ['the same series twice', 'a{k="1"} 1\na{k="1"} 2\n'],
    ['a family split into two groups', 'a 1\nb 1\na{k="x"} 2\n'],
    ['TYPE after the first sample', 'a 1\n# TYPE a gauge\n'],
    ['an unknown TYPE', '# TYPE a thing\na 1\n'],
    ['two HELP lines', '# HELP a x\n# HELP a y\na 1\n'],
    ['a timestamp that is not an integer', 'a 1 2.5\n'],
    ['a histogram without its +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    [
      'a histogram whose buckets shrink',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
    ],
    [
      'a histogram whose count is not its +Inf bucket',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n',
    ],
    ['a bucket without le', '# TYPE h histogram\nh_bucket 1\n'],
    ['a last line without a line feed', 'a 1'],
  ])('refuses %s', (_case, text) => {
    expect(() => parsePrometheusText(text)).toThrow(PrometheusParseError);
  });
});
