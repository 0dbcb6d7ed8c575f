import { ScheduleValidationError } from './schedule-validation-error.ts';

/** One of the six fields of a cron expression, as the EventBridge cron reference describes it. */
export interface CronFieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Names for min, min + 1, ... (JAN-DEC, SUN-SAT). */
  readonly names?: readonly string[];
  /** Whether the / wildcard is allowed in this field. */
  readonly steps: boolean;
  /** Whether a range may run past max back to min ("20-2" in Hours). */
  readonly wraps: boolean;
}

const ITEM = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/;

/**
 * The values one list field selects, ascending: `*`, a value, `a-b`, and with `/` increments
 * (`1/10`, `*\/5`, `0-30/10`), joined by `,`. Names are read case-insensitively.
 * pins: "In the Minutes field, you could enter 1/10 to specify every tenth minute, starting from the
 * first minute of the hour (for example, the 11th, 21st, and 31st minute, and so on)."; a range may
 * wrap: "0/30 20-2 ? * MON-FRI *" runs "between 10:00 pm on the starting day to 2:00 am on the
 * following day" — https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 */
export function parseCronField(text: string, spec: CronFieldSpec): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = ITEM.exec(item);
    if (match === null) throw invalid(spec, text, `"${item}" is not a value, a range or an increment`);
    const [, first = '', last, step] = match;
    const increment = step === undefined ? 1 : Number(step);
    if (step !== undefined && !spec.steps) throw invalid(spec, text, 'the / wildcard is not allowed here');
    // Quartz, whose syntax EventBridge cron follows, refuses an increment past the field's maximum;
    // AWS refuses cron(*/60 * * * ? *) (https://github.com/aws/aws-sdk-js/issues/4212).
    if (increment < 1 || increment > spec.max) {
      throw invalid(spec, text, `the increment ${step} is outside 1-${spec.max}`);
    }
    let sequence: number[];
    if (first === '*') {
      if (last !== undefined) throw invalid(spec, text, `"${item}" is not a range`);
      sequence = span(spec.min, spec.max);
    } else {
      const from = fieldValue(first, spec, text);
      const to = last === undefined ? (step === undefined ? from : spec.max) : fieldValue(last, spec, text);
      if (from <= to) sequence = span(from, to);
      else if (spec.wraps) sequence = [...span(from, spec.max), ...span(spec.min, to)];
      else throw invalid(spec, text, `the range ${first}-${last} runs backwards`);
    }
    sequence.forEach((value, index) => {
      if (index % increment === 0) values.add(value);
    });
  }
  return [...values].sort((a, b) => a - b);
}

function fieldValue(token: string, spec: CronFieldSpec, text: string): number {
  const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  const value = named >= 0 ? spec.min + named : /^\d+$/.test(token) ? Number(token) : Number.NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    const allowed = spec.names === undefined ? '' : ` or ${spec.names[0]}-${spec.names.at(-1)}`;
    throw invalid(spec, text, `"${token}" is not in ${spec.min}-${spec.max}${allowed}`);
  }
  return value;
}

function span(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

function invalid(spec: CronFieldSpec, text: string, reason: string): ScheduleValidationError {
  return new ScheduleValidationError(`${spec.label} field "${text}": ${reason}`);
}
