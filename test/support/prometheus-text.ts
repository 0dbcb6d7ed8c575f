/**
 * A strict parser of the Prometheus text exposition format 0.0.4
 * (prometheus/docs content/docs/instrumenting/exposition_formats.md), for tests: it refuses what the
 * format does not allow instead of guessing, so a malformed /metrics fails the test that reads it.
 */

export type PrometheusType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedFamily {
  readonly name: string;
  readonly type: PrometheusType;
  readonly help: string | undefined;
  readonly samples: ParsedSample[];
}

export class PrometheusParseError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'PrometheusParseError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Inf|inf|NaN)$/;
const TIMESTAMP = /^-?\d+$/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

interface FamilyState {
  family: ParsedFamily & { help: string | undefined; type: PrometheusType };
  hasSamples: boolean;
  closed: boolean;
  series: Set<string>;
}

/** Parses an exposition; throws PrometheusParseError naming the line of the first violation. */
export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text.length > 0 && !text.endsWith('\n'))
    throw new PrometheusParseError(0, 'the last line must end with \\n');
  const families = new Map<string, FamilyState>();
  let current: FamilyState | undefined;
  const lines = text.split('\n').slice(0, -1);

  const enter = (name: string, lineNo: number): FamilyState => {
    let state = families.get(name);
    if (state === undefined) {
      state = {
        family: { name, type: 'untyped', help: undefined, samples: [] },
        hasSamples: false,
        closed: false,
        series: new Set(),
      };
      families.set(name, state);
    } else if (state.closed) {
      throw new PrometheusParseError(lineNo, `lines of ${name} are not one group`);
    }
    if (current !== undefined && current !== state) current.closed = true;
    current = state;
    return state;
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (line === '') return;
    if (line.startsWith('#')) {
      const tokens = line
        .slice(1)
        .trimStart()
        .split(/[ \t]+/);
      const keyword = tokens[0];
      if (keyword !== 'HELP' && keyword !== 'TYPE') return;
      const name = tokens[1];
      if (name === undefined || !METRIC_NAME.test(name)) {
        throw new PrometheusParseError(lineNo, `${keyword} needs a valid metric name`);
      }
      const state = enter(name, lineNo);
      if (keyword === 'HELP') {
        if (state.family.help !== undefined)
          throw new PrometheusParseError(lineNo, `second HELP for ${name}`);
        const rest = line.slice(1).trimStart().slice('HELP'.length).trimStart().slice(name.length);
        state.family.help = unescapeText(rest.replace(/^[ \t]+/, ''), lineNo, false);
      } else {
        if (tokens.length !== 3 || !TYPES.has(tokens[2] as string)) {
          throw new PrometheusParseError(lineNo, `TYPE of ${name} must be one of ${[...TYPES].join(', ')}`);
        }
        if (state.family.type !== 'untyped' || state.hasSamples) {
          throw new PrometheusParseError(lineNo, `TYPE of ${name} must come once, before its samples`);
        }
        state.family.type = tokens[2] as PrometheusType;
      }
      return;
    }
    const sample = parseSample(line, lineNo);
    const state = enter(familyOf(sample.name, families), lineNo);
    checkSampleName(state.family, sample, lineNo);
    const key = `${sample.name}{${Object.entries(sample.labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (state.series.has(key)) throw new PrometheusParseError(lineNo, `duplicate series ${key}`);
    state.series.add(key);
    state.hasSamples = true;
    state.family.samples.push(sample);
  });

  for (const state of families.values()) {
    if (state.family.type === 'histogram') checkHistogram(state.family);
  }
  return new Map([...families].map(([name, state]) => [name, state.family]));
}

/** The value of one series; throws when the family or series is missing. */
export function sampleValue(
  families: Map<string, ParsedFamily>,
  family: string,
  labels: Record<string, string> = {},
  sampleName: string = family,
): number {
  const parsed = families.get(family);
  if (parsed === undefined) throw new Error(`no family ${family}`);
  const sample = parsed.samples.find(
    (s) =>
      s.name === sampleName &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (sample === undefined) throw new Error(`no series ${sampleName}${JSON.stringify(labels)}`);
  return sample.value;
}

function familyOf(sampleName: string, families: Map<string, FamilyState>): string {
  if (families.has(sampleName)) return sampleName;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = families.get(sampleName.slice(0, -suffix.length));
    if (base?.family.type === 'histogram' || (base?.family.type === 'summary' && suffix !== '_bucket')) {
      return base.family.name;
    }
  }
  return sampleName;
}

function checkSampleName(family: ParsedFamily, sample: ParsedSample, lineNo: number): void {
  if (family.type === 'histogram') {
    if (sample.name === `${family.name}_bucket`) {
      if (sample.labels.le === undefined)
        throw new PrometheusParseError(lineNo, 'a bucket needs an le label');
      if (!FLOAT.test(sample.labels.le)) throw new PrometheusParseError(lineNo, `le="${sample.labels.le}"`);
    } else if (sample.name !== `${family.name}_sum` && sample.name !== `${family.name}_count`) {
      throw new PrometheusParseError(lineNo, `${sample.name} is not a sample of histogram ${family.name}`);
    }
  } else if (family.type !== 'summary' && sample.name !== family.name) {
    throw new PrometheusParseError(lineNo, `${sample.name} does not belong to ${family.name}`);
  }
}

function checkHistogram(family: ParsedFamily): void {
  const groups = new Map<string, ParsedSample[]>();
  for (const sample of family.samples) {
    const { le: _le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  for (const samples of groups.values()) {
    const buckets = samples
      .filter((s) => s.name.endsWith('_bucket'))
      .map((s) => ({ le: parseFloatToken(s.labels.le as string), value: s.value }))
      .sort((a, b) => a.le - b.le);
    const inf = buckets.at(-1);
    if (inf === undefined || inf.le !== Number.POSITIVE_INFINITY) {
      throw new PrometheusParseError(0, `histogram ${family.name} lacks its le="+Inf" bucket`);
    }
    for (let i = 1; i < buckets.length; i += 1) {
      if ((buckets[i] as { value: number }).value < (buckets[i - 1] as { value: number }).value) {
        throw new PrometheusParseError(0, `histogram ${family.name} buckets are not cumulative`);
      }
    }
    const count = samples.find((s) => s.name.endsWith('_count'));
    const sum = samples.find((s) => s.name.endsWith('_sum'));
    if (count === undefined || sum === undefined) {
      throw new PrometheusParseError(0, `histogram ${family.name} lacks _sum or _count`);
    }
    if (count.value !== inf.value) {
      throw new PrometheusParseError(0, `histogram ${family.name}: _count differs from the +Inf bucket`);
    }
  }
}

function parseSample(line: string, lineNo: number): ParsedSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new PrometheusParseError(lineNo, 'a sample must start with a metric name');
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  const labelStart = /^[ \t]*\{/.exec(line.slice(i));
  if (labelStart !== null) {
    i += labelStart[0].length;
    for (;;) {
      while (line[i] === ' ' || line[i] === '\t') i += 1;
      if (line[i] === '}') {
        i += 1;
        break;
      }
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (labelMatch === null || !LABEL_NAME.test(labelMatch[0])) {
        throw new PrometheusParseError(lineNo, 'expected a label name');
      }
      const labelName = labelMatch[0];
      i += labelName.length;
      while (line[i] === ' ' || line[i] === '\t') i += 1;
      if (line[i] !== '=') throw new PrometheusParseError(lineNo, `expected = after ${labelName}`);
      i += 1;
      while (line[i] === ' ' || line[i] === '\t') i += 1;
      if (line[i] !== '"') throw new PrometheusParseError(lineNo, `the value of ${labelName} must be quoted`);
      i += 1;
      let raw = '';
      for (;;) {
        const char = line[i];
        if (char === undefined) throw new PrometheusParseError(lineNo, `unterminated value of ${labelName}`);
        if (char === '"') break;
        if (char === '\\') {
          raw += char + (line[i + 1] ?? '');
          i += 2;
        } else {
          raw += char;
          i += 1;
        }
      }
      i += 1;
      if (Object.hasOwn(labels, labelName))
        throw new PrometheusParseError(lineNo, `label ${labelName} twice`);
      labels[labelName] = unescapeText(raw, lineNo, true);
      while (line[i] === ' ' || line[i] === '\t') i += 1;
      if (line[i] === ',') {
        i += 1;
      } else if (line[i] !== '}') {
        throw new PrometheusParseError(lineNo, 'expected , or } after a label');
      }
    }
  }
  const rest = line.slice(i);
  if (rest !== '' && !/^[ \t]/.test(rest))
    throw new PrometheusParseError(lineNo, 'expected a blank before the value');
  const tokens = rest.trim().split(/[ \t]+/);
  if (tokens.length < 1 || tokens.length > 2 || tokens[0] === '') {
    throw new PrometheusParseError(lineNo, 'expected a value and at most a timestamp');
  }
  if (!FLOAT.test(tokens[0] as string))
    throw new PrometheusParseError(lineNo, `"${tokens[0]}" is not a float`);
  if (tokens[1] !== undefined && !TIMESTAMP.test(tokens[1])) {
    throw new PrometheusParseError(lineNo, `"${tokens[1]}" is not a timestamp`);
  }
  return { name, labels, value: parseFloatToken(tokens[0] as string) };
}

function parseFloatToken(token: string): number {
  if (/^[+]?[Ii]nf$/.test(token)) return Number.POSITIVE_INFINITY;
  if (/^-[Ii]nf$/.test(token)) return Number.NEGATIVE_INFINITY;
  if (token === 'NaN') return Number.NaN;
  return Number(token);
}

/** Label values may escape \\, \" and \n; HELP text \\ and \n. Anything else after \ is invalid. */
function unescapeText(raw: string, lineNo: number, labelValue: boolean): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw[i] as string;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = raw[i + 1];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === '"' && labelValue) out += '"';
    else throw new PrometheusParseError(lineNo, `invalid escape \\${next ?? ''}`);
    i += 1;
  }
  return out;
}
