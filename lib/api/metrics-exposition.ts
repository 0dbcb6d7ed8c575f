import * as z from 'zod';
import { lazySchema } from '../http/lazy-schema.ts';
import type { MetricFamily } from '../use-cases/read-metrics.ts';

/** The Prometheus text exposition format, version 0.0.4. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The Prometheus exposition (for the OpenAPI document). */
export const MetricsResponse = lazySchema(() =>
  z.string().describe('Prometheus text exposition format 0.0.4; see docs/metrics.md.'),
);

/**
 * Writes metric families in the text exposition format 0.0.4: each family as one group, its
 * `# HELP` and `# TYPE` lines first, label values and HELP text escaped as the format requires.
 */
export function formatExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels)
        .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
        .join(',');
      lines.push(`${sample.name}${labels === '' ? '' : `{${labels}}`} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Label values: backslash, double quote and line feed are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** HELP text: backslash and line feed are escaped. */
function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

/** Go's ParseFloat reads these; NaN and the infinities have their own spellings. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
