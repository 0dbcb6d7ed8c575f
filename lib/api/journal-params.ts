import * as z from 'zod';
import { decodeCursorToken, type JournalCursor } from '../journal/cursor.ts';
import type { Severity } from '../journal/event-schema.ts';
import { parseIsoInstant } from '../journal/journal-instant.ts';
import { hasControlCharacter, unstorableTextReason, utf8Bytes } from '../journal/storable-text.ts';
import type { TimeBound } from '../use-cases/read-journal-page.ts';

/**
 * Query parameter schemas of the journal routes. Every parameter is a string (or, repeated, an array
 * of strings) as parseQuery hands it over. As in PocketHive (Spring binding, trimmed strings), a
 * blank value counts as absent. Problems are reported on the parameter itself (never `kind.0`), so
 * the problem's invalidParams name exactly what the client sent.
 */

type Parsed<T> = { readonly value: T } | { readonly error: string };

const MAX_LIST_VALUES = 32;
const MAX_SHOWN_CHARACTERS = 40;

/** A single-valued parameter: trimmed, blank as absent, then `parse`. */
export function single<T>(parse: (text: string) => Parsed<T>) {
  return z
    .string({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : 'must be a string') })
    .optional()
    .transform((raw, ctx): T | undefined => {
      const text = raw?.trim() ?? '';
      if (text === '') return undefined;
      const parsed = parse(text);
      if ('error' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed.value;
    });
}

/** A list parameter, repeated (?kind=a&kind=b) or comma-separated (?kind=a,b); duplicates dropped. */
export function listOf<T>(parseItem: (text: string) => Parsed<T>) {
  return z
    .union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' })
    .optional()
    .transform((raw, ctx): T[] | undefined => {
      const texts = [raw ?? []]
        .flat()
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter((value) => value !== '');
      if (texts.length === 0) return undefined;
      if (texts.length > MAX_LIST_VALUES) {
        ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_LIST_VALUES} values` });
        return z.NEVER;
      }
      const values: T[] = [];
      for (const text of new Set(texts)) {
        const parsed = parseItem(text);
        if ('error' in parsed) {
          ctx.addIssue({ code: 'custom', message: `${shown(text)} ${parsed.error}` });
          return z.NEVER;
        }
        values.push(parsed.value);
      }
      return values;
    });
}

/** Free text matched exactly against a column: bounded, storable, no control characters. */
export function text(maxBytes: number) {
  return (value: string): Parsed<string> => {
    if (utf8Bytes(value) > maxBytes) return { error: `must be at most ${maxBytes} bytes (UTF-8)` };
    const unstorable = unstorableTextReason(value);
    if (unstorable !== null) return { error: `must not be text that ${unstorable}` };
    if (hasControlCharacter(value)) return { error: 'must not contain control characters' };
    return { value };
  };
}

/** A whole number in [min, max], digits only. */
export function integer(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}`;
  return (value: string): Parsed<number> => {
    if (!/^\d{1,16}$/.test(value)) return { error };
    const number = Number(value);
    return number >= min && number <= max ? { value: number } : { error };
  };
}

/** An ISO-8601 date-time with an offset, to its canonical microsecond instant. */
export function isoDateTime(value: string): Parsed<string> {
  const instant = parseIsoInstant(value);
  return instant === null
    ? { error: 'must be an ISO-8601 date-time with an offset, e.g. 2025-01-01T12:34:56.789Z' }
    : { value: instant };
}

const DURATION = /^(\d{1,9})([smhdw])$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/** An instant (ISO-8601 with an offset) or a duration before now: 30s, 15m, 2h, 7d, 2w. */
export function timeBound(value: string): Parsed<TimeBound> {
  const duration = DURATION.exec(value);
  if (duration !== null) {
    const agoMs = Number(duration[1]) * (UNIT_MS[duration[2] as string] as number);
    return agoMs <= MAX_DURATION_MS ? { value: { agoMs } } : { error: 'must be at most 100 years ago' };
  }
  const instant = parseIsoInstant(value);
  return instant === null
    ? {
        error:
          'must be an ISO-8601 date-time with an offset (e.g. 2025-01-01T12:00:00Z) or a duration before now (e.g. 15m, 2h, 7d)',
      }
    : { value: { at: instant } };
}

/** A severity, any case. */
export function severity(allowed: readonly Severity[]) {
  return (value: string): Parsed<Severity> => {
    const upper = value.toUpperCase();
    return (allowed as readonly string[]).includes(upper)
      ? { value: upper as Severity }
      : { error: `must be one of ${allowed.join(', ')}` };
  };
}

/** Severities a filter accepts: PocketHive's ERROR, WARN, INFO and hive-journal's DEBUG. */
export const FILTER_SEVERITIES: readonly Severity[] = ['ERROR', 'WARN', 'INFO', 'DEBUG'];

const TRACE_ID = /^(?:[0-9a-f]{32}|1-[0-9a-f]{8}-[0-9a-f]{24})$/;

/** A W3C (32 hex) or X-Ray (1-8hex-24hex) trace id, any case, stored lower case. */
export function traceId(value: string): Parsed<string> {
  const lower = value.toLowerCase();
  return TRACE_ID.test(lower)
    ? { value: lower }
    : {
        error:
          'must be a W3C trace id (32 hex digits) or an X-Ray trace id (1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx)',
      };
}

/** true or false, any case. */
export function boolean(value: string): Parsed<boolean> {
  const lower = value.toLowerCase();
  if (lower === 'true') return { value: true };
  if (lower === 'false') return { value: false };
  return { error: 'must be true or false' };
}

/** An opaque page token (nextPageToken of a previous page). */
export function pageToken(value: string): Parsed<JournalCursor> {
  const cursor = decodeCursorToken(value);
  return cursor === null
    ? { error: 'is not a page token this service issued; pass nextPageToken from the previous page' }
    : { value: cursor };
}

function shown(value: string): string {
  const cut = [...value].slice(0, MAX_SHOWN_CHARACTERS).join('');
  return JSON.stringify(cut.length < value.length ? `${cut}…` : cut);
}
