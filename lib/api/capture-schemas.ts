import * as z from 'zod';
import {
  CAPTURE_MODES,
  CAPTURE_STATUSES,
  type CaptureMode,
  type CaptureStatus,
} from '../captures/capture-mode.ts';
import { lazySchema } from '../http/lazy-schema.ts';
import { STRING_FIELD_MAX_BYTES } from '../journal/row-budget.ts';
import { hasControlCharacter, unstorableTextReason, utf8Bytes } from '../journal/storable-text.ts';

/**
 * Request and response schemas of the pin/captures routes; the routes parse with them and the
 * OpenAPI document shows them. Strings are trimmed and, as in PocketHive (Spring binding), a blank
 * optional value counts as absent.
 */

const NAME_MAX_BYTES = 256;
const MAX_LIMIT = 5_000;

/** A swarm or run id as the journal stores them: at most 128 bytes, no control characters. */
function identifier(maxBytes: number) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, 'must not be blank')
    .refine((value) => utf8Bytes(value) <= maxBytes, `must be at most ${maxBytes} bytes (UTF-8)`)
    .refine((value) => !hasControlCharacter(value), 'must not contain control characters')
    .refine((value) => unstorableTextReason(value) === null, 'must be storable text');
}

/** An optional string where null, missing and blank all mean "not given". */
function optionalText(maxBytes: number, control: 'refuse' | 'allow') {
  return z
    .string({ error: 'must be a string or null' })
    .nullish()
    .transform((value) => {
      const trimmed = value?.trim();
      return trimmed ? trimmed : undefined;
    })
    .refine(
      (value) => value === undefined || utf8Bytes(value) <= maxBytes,
      `must be at most ${maxBytes} bytes (UTF-8)`,
    )
    .refine(
      (value) => value === undefined || control === 'allow' || !hasControlCharacter(value),
      'must not contain control characters',
    )
    .refine((value) => value === undefined || unstorableTextReason(value) === null, 'must be storable text');
}

const modes = CAPTURE_MODES.join(', ');

/** Path of the pin route. */
export const PinParams = z.object({
  swarmId: identifier(STRING_FIELD_MAX_BYTES.swarmId).describe('The swarm whose run to pin.'),
});

/**
 * PocketHive's PinRunRequest. Its clients send every field, null when unset, so null is accepted
 * everywhere; a missing or null mode is SLIM, PocketHive's default. Unlike PocketHive, a mode that is
 * not one of the three is refused instead of read as SLIM. Case is ignored, as PocketHive does.
 */
export const PinBody = z.object({
  runId: optionalText(STRING_FIELD_MAX_BYTES.runId, 'refuse').describe(
    'The run to pin; when omitted, null or blank: the active run of the swarm, else its latest.',
  ),
  mode: z
    .string({ error: `must be one of ${modes}` })
    .meta({ enum: [...CAPTURE_MODES] })
    .nullish()
    .transform((value, ctx): CaptureMode => {
      const normalised = value?.trim().toUpperCase() ?? '';
      if (normalised === '') return 'SLIM';
      if ((CAPTURE_MODES as readonly string[]).includes(normalised)) return normalised as CaptureMode;
      ctx.addIssue({ code: 'custom', message: `must be one of ${modes}` });
      return z.NEVER;
    })
    .describe(
      'FULL (every event), SLIM (without raw and extra) or ERRORS_ONLY (WARN/ERROR plus lifecycle events); default SLIM.',
    ),
  name: optionalText(NAME_MAX_BYTES, 'refuse').describe('A label for the capture.'),
});

/** PocketHive's PinRunResponse, plus the archival status and progress. */
export const PinResponse = lazySchema(() =>
  z.object({
    captureId: z.uuid(),
    swarmId: z.string(),
    runId: z.string(),
    mode: z.enum(CAPTURE_MODES),
    inserted: z.number().int().describe('Events this request copied into the archive.'),
    entries: z.number().int().describe('Events in the archive.'),
    status: z.enum(CAPTURE_STATUSES),
    copied: z.number().int().describe('Events copied into the archive so far.'),
  }),
);

// Documented as the statuses; parsed leniently (comma lists), checked in the transform below.
const statusText = z.string().meta({ enum: [...CAPTURE_STATUSES] });

/** Filters of the captures list. */
export const CaptureListQuery = z.object({
  swarmId: optionalText(STRING_FIELD_MAX_BYTES.swarmId, 'refuse').describe('Only captures of this swarm.'),
  runId: optionalText(STRING_FIELD_MAX_BYTES.runId, 'refuse').describe('Only captures of this run.'),
  status: z
    .union([statusText, z.array(statusText)], { error: 'must be a string or a list of strings' })
    .optional()
    .transform((raw, ctx): CaptureStatus[] | undefined => {
      const values = [raw ?? []]
        .flat()
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter((value) => value !== '');
      const unknown = values.filter((value) => !(CAPTURE_STATUSES as readonly string[]).includes(value));
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `must be one of ${CAPTURE_STATUSES.join(', ')}` });
        return z.NEVER;
      }
      return values.length === 0 ? undefined : [...new Set(values as CaptureStatus[])];
    })
    .describe('Only captures in one of these statuses (repeated or comma-separated).'),
  limit: z
    .string({ error: 'must be given once' })
    .optional()
    .transform((raw, ctx) => {
      const text = raw?.trim() ?? '';
      if (text === '') return 500;
      const value = Number(text);
      if (!/^\d+$/.test(text) || value < 1 || value > MAX_LIMIT) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from 1 to ${MAX_LIMIT}` });
        return z.NEVER;
      }
      return value;
    })
    .describe(`At most this many captures (default 500, max ${MAX_LIMIT}).`),
});

/** Path of the unpin route. */
export const CaptureParams = z.object({
  captureId: z
    .string()
    .trim()
    .pipe(z.uuid({ error: 'must be a UUID' }))
    .describe('The capture.'),
});

/** A capture in the captures list. */
export const CaptureSchema = lazySchema(() =>
  z.object({
    captureId: z.uuid(),
    swarmId: z.string(),
    runId: z.string(),
    mode: z.enum(CAPTURE_MODES),
    name: z.string().nullable(),
    status: z.enum(CAPTURE_STATUSES),
    copied: z.number().int(),
    entries: z.number().int(),
    firstTs: z.string().nullable().describe('The first archived event (ISO-8601).'),
    lastTs: z.string().nullable().describe('The last archived event (ISO-8601).'),
    cursor: z
      .object({ ts: z.string(), id: z.number().int() })
      .nullable()
      .describe('The last source event the archival has passed; archiving resumes after it.'),
    error: z.string().nullable().describe('Why the last archival pass failed (status failed).'),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

/** The captures list, newest first. */
export const CaptureListResponse = lazySchema(() => z.array(CaptureSchema()));

/** The unpin route's 202 body. */
export const UnpinAccepted = lazySchema(() =>
  z.object({
    captureId: z.uuid(),
    deleting: z.literal(true).describe('The capture is unpinned; maintenance finishes deleting its archive.'),
  }),
);
