import * as z from 'zod';
import { normaliseTimestamp, TIMESTAMP_PATTERN } from './event-timestamp.ts';
import { findJsonProblem, type JsonObject, type JsonValue } from './json-value.ts';
import { NAMESPACE_MAX_SEGMENTS, NAMESPACE_SEGMENT_MAX_BYTES, STRING_FIELD_MAX_BYTES } from './row-budget.ts';
import { hasControlCharacter, utf8Bytes } from './storable-text.ts';

/**
 * The JournalEvent schema: the single source of truth for what a producer may send (its JSON Schema
 * is generated from this) and for the normalised event the rest of the service handles.
 *
 * Field names and nullability follow PocketHive's journal entry (SwarmJournalEntry / HiveJournalEntry:
 * timestamp, swarmId, severity, direction, kind, type, origin, scope, correlationId, idempotencyKey,
 * routingKey, data, raw, extra; runId as its REST pages add it), so a PocketHive entry parses as it is.
 * hive-journal adds eventUid, traceId, actor and namespacePath. (PocketHive's pages call their numeric
 * row id `eventId`; that name stays theirs.)
 *
 * Two shapes of `scope` are accepted and normalised to one:
 * - PocketHive's: `scope: {swarmId, role, instance}` (its ControlScope, the subject of the entry). The
 *   entry does not say which journal it belongs to — PocketHive knows from which service wrote it — so
 *   an optional `journalScope` ("SWARM" | "HIVE") says it, defaulting to "SWARM", the journal nearly all
 *   entries go to. A forwarder of orchestrator (hive) entries must set it.
 * - the flat one: `scope: "SWARM" | "HIVE"` with `role` and `instance` beside it.
 * Missing, null or blank role/instance become "ALL", the literal PocketHive uses for fan-out (its
 * migration V2__journal_scope_segments_required backfills exactly that); any casing of "all" is "ALL".
 *
 * Unknown top-level fields are accepted, not rejected and not dropped: producers evolve (PocketHive's
 * own pages add `eventId`), and refusing an event because a producer learned a new field would lose
 * the whole event. They are kept in `extra._unknownFields` so nothing a producer sent silently
 * disappears, and count against extra's size bound like everything else in it. Inside `scope`, whose
 * shape is PocketHive's fixed ControlScope, unknown keys are rejected.
 *
 * Strict where it matters: enums exactly as PocketHive writes them (upper case), a real instant with an
 * offset, UUID and trace id formats, every string bounded in UTF-8 bytes (see row-budget.ts), no control
 * characters in identifiers, and nothing PostgreSQL cannot store (U+0000, lone surrogates).
 */

export const JOURNAL_SCOPES = ['SWARM', 'HIVE'] as const;
export const SEVERITIES = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const DIRECTIONS = ['IN', 'OUT', 'LOCAL'] as const;
export const PAYLOAD_FIELDS = ['data', 'raw', 'extra'] as const;

export type JournalScope = (typeof JOURNAL_SCOPES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type PayloadField = (typeof PAYLOAD_FIELDS)[number];

/** The key of `extra` that holds top-level fields the schema does not know. */
export const UNKNOWN_FIELDS_KEY = '_unknownFields';

/** The scope segment PocketHive uses for "every role" / "every instance". */
export const ALL = 'ALL';

const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
// W3C trace-context trace-id, or an AWS X-Ray trace id.
const TRACE_ID_PATTERN = /^(?:[0-9a-f]{32}|1-[0-9a-f]{8}-[0-9a-f]{24})$/;
// Path-safe, needs no quoting in a TEXT[]'s text form, never "." or "..".
export const NAMESPACE_SEGMENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:-]*$/;

type BoundedField = keyof typeof STRING_FIELD_MAX_BYTES;

// The timestamp's refinement and toEvent both need its normalised form, the second for the text the
// first has just checked: remember the last one rather than normalise it twice.
let lastTimestamp = '';
let lastNormalised: string | null = null;

function normalisedTimestamp(text: string): string | null {
  if (text !== lastTimestamp) {
    lastNormalised = normaliseTimestamp(text);
    lastTimestamp = text;
  }
  return lastNormalised;
}

function typeError(expected: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${expected}`);
}

/** A string bounded in UTF-8 bytes, free of control characters. */
function text(field: BoundedField, description: string) {
  const max = STRING_FIELD_MAX_BYTES[field];
  return z
    .string({ error: typeError('a string') })
    .max(max, `must be at most ${max} bytes (UTF-8)`)
    .superRefine((value, ctx) => {
      // Both rules in one check (a dozen of these per event). A UTF-16 unit is at most 3 UTF-8 bytes.
      if (value.length * 3 > max && utf8Bytes(value) > max) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${max} bytes (UTF-8)` });
      }
      if (hasControlCharacter(value))
        ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
    })
    .describe(description);
}

/** A required identifier: like text, and not blank. */
function identifier(field: BoundedField, description: string) {
  return text(field, description)
    .min(1, 'must not be blank')
    .refine((value) => value.trim() !== '', 'must not be blank');
}

const payload = (description: string) =>
  z
    .record(z.string(), z.unknown(), { error: typeError('a JSON object or null') })
    .nullish()
    .describe(description);

// The schemas are built on first use, not at import: the API functions load this module for its
// constants and for the odd event they journal, and building the schemas is most of what it costs.

/** The fields of a wire entry. */
function buildWireShape() {
  const ControlScope = z
    .strictObject(
      {
        swarmId: text(
          'scopeSwarmId',
          'Swarm the entry is about; defaults to the top-level swarmId.',
        ).nullish(),
        role: text('role', 'Role the entry is about; null, blank or missing means "ALL".').nullish(),
        instance: text(
          'instance',
          'Instance the entry is about; null, blank or missing means "ALL".',
        ).nullish(),
      },
      {
        error: (issue) =>
          issue.code === 'unrecognized_keys'
            ? `unknown field(s) ${issue.keys.join(', ')} (scope has only swarmId, role and instance)`
            : typeError('an object {swarmId, role, instance}')(issue),
      },
    )
    .describe("PocketHive's ControlScope: the subject of the entry.");

  return {
    eventUid: z
      .string({ error: typeError('a string') })
      .regex(UUID_PATTERN, 'must be a UUID')
      .optional()
      .describe(
        'Idempotency key for storage. When omitted, derived from the queue message id and the position of the event in the message.',
      ),
    timestamp: z
      .string({ error: typeError('an ISO-8601 date-time string') })
      .regex(TIMESTAMP_PATTERN, 'must be an ISO-8601 date-time with an offset, e.g. 2025-01-01T12:34:56.789Z')
      .refine((value) => normalisedTimestamp(value) !== null, 'must be a real instant between 1970 and 9999')
      .describe('When it happened: ISO-8601 with an offset (Z or +hh:mm), up to nanosecond precision.'),
    scope: z
      .union([z.enum(JOURNAL_SCOPES), ControlScope], {
        error: typeError('"SWARM", "HIVE" or an object {swarmId, role, instance}'),
      })
      .describe('"SWARM" or "HIVE" (flat form), or PocketHive\'s {swarmId, role, instance} (nested form).'),
    journalScope: z
      .enum(JOURNAL_SCOPES, { error: typeError('"SWARM" or "HIVE"') })
      .optional()
      .describe('Nested form only: which journal the entry belongs to. Default "SWARM".'),
    swarmId: identifier(
      'swarmId',
      'Swarm id ("hive" for hive-wide entries, as PocketHive writes). Required unless scope.swarmId is given.',
    ).optional(),
    runId: identifier('runId', 'Run of the swarm (a new swarm with the same id is a new run).'),
    role: text('role', 'Flat form only: role the entry is about; default "ALL".').nullish(),
    instance: text('instance', 'Flat form only: instance the entry is about; default "ALL".').nullish(),
    severity: z
      .enum(SEVERITIES, { error: typeError(`one of ${SEVERITIES.join(', ')}`) })
      .describe('PocketHive writes INFO, WARN and ERROR; DEBUG is a hive-journal addition.'),
    direction: z
      .enum(DIRECTIONS, { error: typeError(`one of ${DIRECTIONS.join(', ')}`) })
      .describe('IN: received, OUT: sent, LOCAL: observed by the writer itself.'),
    kind: identifier(
      'kind',
      'Event kind, e.g. signal, outcome, local (see docs/event-kinds.md); unknown kinds are accepted.',
    ),
    type: identifier('type', 'Event type within the kind, e.g. swarm-start.'),
    origin: identifier(
      'origin',
      'Component that emitted the entry, e.g. orchestrator or a controller instance.',
    ),
    correlationId: text('correlationId', 'Correlation id of the operation.').nullish(),
    idempotencyKey: text(
      'idempotencyKey',
      "Idempotency key of the operation (PocketHive's, not the storage key).",
    ).nullish(),
    routingKey: text('routingKey', 'AMQP routing key the entry was seen on.').nullish(),
    data: payload('Entry data (JSON object).'),
    raw: payload('The raw envelope the entry was projected from (JSON object).'),
    extra: payload('Anything else (JSON object).'),
    traceId: z
      .string({ error: typeError('a string') })
      .regex(
        TRACE_ID_PATTERN,
        'must be a W3C trace id (32 lower-case hex) or an X-Ray trace id (1-xxxxxxxx-xxx…)',
      )
      .refine((value) => !/^0+$/.test(value), 'must not be all zeros (an invalid W3C trace id)')
      .nullish()
      .describe('Distributed trace id: W3C (32 lower-case hex) or AWS X-Ray (1-8hex-24hex).'),
    actor: text('actor', 'Who triggered it (user or service).').nullish(),
    namespacePath: z
      .array(
        z
          .string({ error: typeError('a string') })
          .max(NAMESPACE_SEGMENT_MAX_BYTES, `must be at most ${NAMESPACE_SEGMENT_MAX_BYTES} characters`)
          .regex(
            NAMESPACE_SEGMENT_PATTERN,
            'must be letters, digits and . _ @ : - (starting with a letter or digit)',
          ),
        { error: typeError('an array of strings') },
      )
      .max(NAMESPACE_MAX_SEGMENTS, `must have at most ${NAMESPACE_MAX_SEGMENTS} segments`)
      .nullish()
      .describe('Tenancy path, outermost first, e.g. ["org", "team", "user"].'),
  };
}

type Wire = z.output<z.ZodObject<ReturnType<typeof buildWireShape>>> & Record<string, unknown>;

let built: ReturnType<typeof buildSchemas> | undefined;

function schemas() {
  built ??= buildSchemas();
  return built;
}

function buildSchemas() {
  const wireShape = buildWireShape();
  return {
    knownFields: new Set(Object.keys(wireShape)) as ReadonlySet<string>,
    journalEvent: buildJournalEventSchema(wireShape, false).meta({
      id: 'JournalEvent',
      title: 'hive-journal JournalEvent',
      description:
        "One journal entry as a producer sends it. Wire-compatible with PocketHive's SwarmJournalEntry / HiveJournalEntry; unknown top-level fields are kept in extra._unknownFields.",
    }),
    jsonCheckedJournalEvent: buildJournalEventSchema(wireShape, true),
  };
}

/** Top-level fields of an entry that the schema does not know (kept in extra._unknownFields). */
export function unknownFieldNames(wire: object): string[] {
  const { knownFields } = schemas();
  return Object.keys(wire).filter((key) => !knownFields.has(key));
}

function checkAcrossFields(wire: Wire, ctx: z.RefinementCtx, jsonChecked: boolean): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (typeof wire.scope === 'string') {
    if (wire.swarmId === undefined) issue('swarmId', 'is required');
    if (wire.journalScope !== undefined) issue('journalScope', 'is only allowed when scope is an object');
  } else {
    for (const field of ['role', 'instance'] as const) {
      if (wire[field] !== undefined) issue(field, 'must be inside scope when scope is an object');
    }
    const scopeSwarmId = wire.scope.swarmId;
    if (wire.swarmId === undefined && (scopeSwarmId == null || scopeSwarmId.trim() === '')) {
      issue('swarmId', 'is required (or scope.swarmId)');
    }
  }
  const unknown = unknownFieldNames(wire);
  if (!jsonChecked) {
    for (const field of ['data', 'raw', 'extra'] as const) {
      const problem = findJsonProblem(wire[field] ?? null, field);
      if (problem) ctx.addIssue({ code: 'custom', path: [], message: `${problem.path}: ${problem.reason}` });
    }
    for (const key of unknown) {
      const problem = findJsonProblem({ [key]: wire[key] }, '');
      if (problem) ctx.addIssue({ code: 'custom', path: [], message: `${problem.path}: ${problem.reason}` });
    }
  }
  if (unknown.length > 0 && wire.extra && UNKNOWN_FIELDS_KEY in wire.extra) {
    issue(
      'extra',
      `must not contain "${UNKNOWN_FIELDS_KEY}" when the event has unrecognised top-level fields (${unknown.join(', ')}): that key holds them`,
    );
  }
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function scopeSegment(value: string | null | undefined): string {
  const trimmed = blankToNull(value);
  return trimmed === null || trimmed.toUpperCase() === ALL ? ALL : trimmed;
}

function withUnknownFields(wire: Wire): JsonObject | null {
  const extra = (wire.extra ?? null) as JsonObject | null;
  const unknown = unknownFieldNames(wire);
  if (unknown.length === 0) return extra;
  const kept: JsonObject = Object.fromEntries(unknown.map((key) => [key, wire[key] as JsonValue]));
  return { ...extra, [UNKNOWN_FIELDS_KEY]: kept };
}

/** Normalises a validated wire entry to the one internal shape. */
function toEvent(wire: Wire) {
  const nested = typeof wire.scope === 'string' ? null : wire.scope;
  const subjectSwarmId = blankToNull(nested?.swarmId);
  const swarmId = blankToNull(wire.swarmId) ?? (subjectSwarmId as string);
  return {
    /** Null until parseJournalEvent derives it; a JournalEvent always has one. */
    eventUid: wire.eventUid?.toLowerCase() ?? null,
    timestamp: normalisedTimestamp(wire.timestamp) as string,
    scope: nested ? (wire.journalScope ?? 'SWARM') : (wire.scope as JournalScope),
    swarmId,
    /** The swarm of the subject; differs from swarmId only in nested entries that say so. */
    scopeSwarmId: subjectSwarmId === null ? swarmId : scopeSegment(subjectSwarmId),
    runId: wire.runId.trim(),
    role: scopeSegment(nested ? nested.role : wire.role),
    instance: scopeSegment(nested ? nested.instance : wire.instance),
    severity: wire.severity,
    direction: wire.direction,
    kind: wire.kind.trim(),
    type: wire.type.trim(),
    origin: wire.origin.trim(),
    correlationId: blankToNull(wire.correlationId),
    idempotencyKey: blankToNull(wire.idempotencyKey),
    routingKey: blankToNull(wire.routingKey),
    data: (wire.data ?? null) as JsonObject | null,
    raw: (wire.raw ?? null) as JsonObject | null,
    extra: withUnknownFields(wire),
    traceId: wire.traceId ?? null,
    actor: blankToNull(wire.actor),
    namespacePath: wire.namespacePath ?? [],
  };
}

function buildJournalEventSchema(wireShape: ReturnType<typeof buildWireShape>, jsonChecked: boolean) {
  return z
    .object(wireShape, { error: typeError('a JSON object') })
    .catchall(z.unknown())
    .superRefine((wire, ctx) => checkAcrossFields(wire, ctx, jsonChecked))
    .transform(toEvent);
}

/** A producer's journal entry (wire form), validated and normalised (internal form); built on first use. */
export function journalEventSchema() {
  return schemas().journalEvent;
}

/**
 * journalEventSchema() for an entry that has passed findJsonProblem as a whole (parseJournalEvent checks
 * it first): the same rules, without checking its payloads and unknown fields as JSON again.
 */
export function jsonCheckedJournalEventSchema() {
  return schemas().jsonCheckedJournalEvent;
}

/** The normalised event, with its storage idempotency key always set. */
export type JournalEvent = Omit<z.output<ReturnType<typeof journalEventSchema>>, 'eventUid'> & {
  eventUid: string;
};

/** What a producer sends (the JSON Schema describes this). */
export type JournalEventInput = z.input<ReturnType<typeof journalEventSchema>>;
