import * as z from 'zod';
import { lazySchema } from '../http/lazy-schema.ts';
import { normaliseTimestamp } from '../journal/event-timestamp.ts';
import { parseNamespacePrefix } from '../journal/namespace-prefix.ts';
import { STRING_FIELD_MAX_BYTES } from '../journal/row-budget.ts';
import { hasControlCharacter, unstorableTextReason, utf8Bytes } from '../journal/storable-text.ts';
import { SWARM_HEALTH_REASONS, SWARM_HEALTH_STATES } from '../journal/swarm-health.ts';

/**
 * The zod schemas of the runs routes: what they parse and what the OpenAPI document shows.
 * PocketHive's controllers are the reference (orchestrator JournalController / SwarmJournalController,
 * journal-postgres PostgresJournalRunQueries and JournalMetadataNormalizer).
 */

/** Longest value accepted for a text filter or an id in the path. */
const MAX_FILTER_CHARS = 256;
/** What ingest stores of an actor (who triggered an event). */
const ACTOR_MAX_BYTES = STRING_FIELD_MAX_BYTES.actor;
/** Bounds of stored metadata: a run row must stay far below the Data API's 64 KB per row. */
export const MAX_TEST_PLAN_CHARS = 512;
export const MAX_DESCRIPTION_CHARS = 8192;

const storable = (value: string) => unstorableTextReason(value) === null;
const STORABLE = { message: 'must not contain U+0000 or a lone UTF-16 surrogate' };

/** A text value: trimmed; blank means "not given" (as Spring reads an empty parameter). */
const optionalText = (description: string) =>
  z
    .string()
    .trim()
    .max(MAX_FILTER_CHARS, `must be at most ${MAX_FILTER_CHARS} characters`)
    .refine(storable, STORABLE)
    .transform((value) => (value === '' ? undefined : value))
    .optional()
    .describe(description);

/** Spring's boolean conversion: true/on/yes/1 and false/off/no/0 in any case; blank is absent. */
const booleanParam = (description: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => ['', 'true', 'on', 'yes', '1', 'false', 'off', 'no', '0'].includes(value), {
      message: 'must be true or false',
    })
    .transform((value) => ['true', 'on', 'yes', '1'].includes(value))
    .optional()
    .describe(description);

/** An ISO-8601 instant with an offset (as PocketHive's @DateTimeFormat(iso = DATE_TIME)); blank is absent. */
const instantParam = (description: string) =>
  z
    .string()
    .trim()
    .refine((value) => value === '' || normaliseTimestamp(value) !== null, {
      message: 'must be an ISO-8601 date-time with an offset, e.g. 2025-01-01T12:00:00Z',
    })
    .transform((value) => {
      const normalised = value === '' ? null : normaliseTimestamp(value);
      return normalised === null ? undefined : new Date(normalised);
    })
    .optional()
    .describe(description);

/** PocketHive clamps the page size into 1..5000 rather than refusing it; only non-integers are refused. */
const limitParam = z
  .string({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : 'must be a string') })
  .trim()
  // blank is absent, as Spring binds an empty parameter (the default applies)
  .regex(/^(?:[+-]?\d{1,12})?$/, 'must be an integer')
  .transform((value) => (value === '' ? undefined : Math.max(1, Math.min(5000, Number(value)))))
  .optional()
  .transform((value) => value ?? 500)
  .describe('How many runs at most: default 500, clamped into 1..5000 (as PocketHive does).');

/** A repeatable parameter (?tag=a&tag=b); values are not split on commas, which a tag may hold. */
const tagsParam = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (typeof value === 'string' ? [value] : value).map((tag) => tag.trim()).filter((tag) => tag !== ''),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .max(MAX_FILTER_CHARS, `must be at most ${MAX_FILTER_CHARS} characters`)
          .refine(storable, STORABLE),
      )
      .max(32, 'must be given at most 32 times'),
  )
  .optional()
  .transform((value) => value ?? [])
  .describe('Only runs carrying this tag; repeat it for runs carrying all of them.');

/** Query of both runs listings. */
export const RunsQuery = z.object({
  limit: limitParam,
  pinned: booleanParam(
    'true: only pinned runs, with their capture statistics, newest capture first (PocketHive).',
  ),
  afterTs: instantParam(
    'Only runs with entries at or after this instant; pinned runs are listed regardless (PocketHive).',
  ),
  scenarioId: optionalText('Only runs of this scenario (exact).'),
  testPlan: optionalText('Only runs of this test plan (exact).'),
  tag: tagsParam,
  q: optionalText(
    'Case-insensitive substring of the run id, swarm id, scenario id, test plan, description or tags (the Hive UI search).',
  ),
  actor: z
    .string()
    .trim()
    .refine(
      (value) => utf8Bytes(value) <= ACTOR_MAX_BYTES,
      `must be at most ${ACTOR_MAX_BYTES} bytes (UTF-8)`,
    )
    .refine(storable, STORABLE)
    .refine((value) => !hasControlCharacter(value), 'must not contain control characters')
    .transform((value) => (value === '' ? undefined : value))
    .optional()
    .describe(
      'hive-journal addition: only runs whose first actor is this one (exact; the actor of the first swarm event that carried one).',
    ),
  namespace: z
    .string()
    .trim()
    .transform((value, ctx): string[] | undefined => {
      if (value === '') return undefined;
      const parsed = parseNamespacePrefix(value);
      if ('error' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed.value;
    })
    .optional()
    .describe(
      "hive-journal addition: only runs whose namespace starts with these segments, joined with / (the namespacePath of the run's first swarm event that carried one).",
    ),
});

const pathId = (name: string) =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(MAX_FILTER_CHARS, `must be at most ${MAX_FILTER_CHARS} characters`)
    .refine(storable, STORABLE)
    .describe(name);

export const SwarmRunsParams = z.object({ swarmId: pathId('The swarm id.') });

export const RunMetaParams = z.object({ runId: pathId('The run id (trimmed, as PocketHive does).') });

/** hive-journal's addition: the swarm, when a run id is shared by several swarms. */
export const RunMetaQuery = z.object({
  swarmId: optionalText('The swarm of the run, when its id is shared by several swarms.'),
});

const metaText = (max: number, description: string) =>
  z
    .string()
    .refine(storable, STORABLE)
    .refine((value) => value.trim().length <= max, `must be at most ${max} characters`)
    .nullish()
    .describe(description);

/**
 * PocketHive's SwarmRunMetadataUpdate. The three fields replace the stored ones together, as
 * PocketHive does: a field omitted, null or blank is cleared. Unknown fields are ignored.
 */
export const RunMetaBody = z.object({
  testPlan: metaText(MAX_TEST_PLAN_CHARS, 'Test plan label; omitted, null or blank clears it.'),
  description: metaText(MAX_DESCRIPTION_CHARS, 'Free-text notes; omitted, null or blank clears them.'),
  tags: z
    .array(z.string().refine(storable, STORABLE).nullable())
    .nullish()
    .describe(
      'Labels: trimmed, blank ones dropped, cut to 64 characters, de-duplicated, the first 32 kept; none clears them.',
    ),
  swarmId: z
    .string()
    .trim()
    .max(MAX_FILTER_CHARS, `must be at most ${MAX_FILTER_CHARS} characters`)
    .refine(storable, STORABLE)
    .nullish()
    .describe('hive-journal addition: the swarm of the run, when its id is shared by several swarms.'),
});

/** One run of the index (the response shape, for the OpenAPI document; built on first use). */
export const RunSummarySchema = lazySchema(() =>
  z.object({
    swarmId: z.string(),
    runId: z.string(),
    firstTs: z.string().nullable().describe('First entry (ISO-8601, UTC).'),
    lastTs: z.string().nullable().describe('Last entry (ISO-8601, UTC).'),
    entries: z.number().int(),
    pinned: z.boolean().describe('A pinned capture of the run exists.'),
    scenarioId: z.string().nullable(),
    testPlan: z.string().nullable(),
    tags: z.array(z.string()).nullable(),
    description: z.string().nullable(),
    warnCount: z.number().int().describe('hive-journal addition: WARN entries.'),
    errorCount: z.number().int().describe('hive-journal addition: ERROR entries.'),
    lifecycleState: z
      .string()
      .nullable()
      .describe('hive-journal addition: the swarm state the latest lifecycle event implies.'),
    captureId: z
      .string()
      .nullable()
      .describe(
        'hive-journal addition: the pinned capture of the run (DELETE /api/journal/captures/{captureId}); null when not pinned.',
      ),
    links: RunLinksSchema().optional(),
    health: RunHealthSchema().describe("hive-journal addition: the run's health now (docs/swarm-health.md)."),
  }),
);

/** hive-journal addition, when the deployment names Grafana: where to look at the run. */
export const RunLinksSchema = lazySchema(() =>
  z
    .object({
      grafana: z
        .string()
        .optional()
        .describe(
          'The journal dashboard with swarmId, runId and captureId pre-filled, over the run ± 5 minutes.',
        ),
    })
    .describe(
      'hive-journal addition: present when the deployment names its Grafana (docs/deploy.md, "Links").',
    ),
);

/** A run's health (docs/swarm-health.md): the state and every rule that holds. */
export const RunHealthSchema = lazySchema(() =>
  z.object({
    state: z.enum(SWARM_HEALTH_STATES),
    reasons: z
      .array(z.enum(SWARM_HEALTH_REASONS))
      .describe('Every rule that holds, in rule order; the first decided the state.'),
    errorShare: z
      .number()
      .nullable()
      .describe("Share of the swarm's events in the last 5 minutes that are ERROR; null without events."),
    silentSeconds: z.number().int().nullable().describe("Seconds since the run's latest event."),
    backpressureOpenSince: z
      .string()
      .nullable()
      .describe('Start of the open backpressure episode (ISO-8601); null when none is open.'),
  }),
);

/** GET /api/swarms/{swarmId}/health. */
export const SwarmHealthQuery = z.object({
  runId: optionalText(
    'The run; when omitted, the run the swarm journal shows (active, latest, latest pinned).',
  ),
});

export const SwarmHealthResponse = lazySchema(() =>
  RunHealthSchema().extend({
    swarmId: z.string(),
    runId: z.string(),
    resolvedBy: z.enum(['requested', 'active', 'latest', 'pinned']),
    lifecycleState: z.string().nullable(),
    lastTs: z.string().nullable().describe("The run's latest event (ISO-8601, UTC)."),
    evaluatedAt: z.string().describe('The instant the health was derived for.'),
    rules: z.object({
      errorWindowSeconds: z.number(),
      failingErrorShare: z.number(),
      staleAfterSeconds: z.number(),
    }),
  }),
);

export const RunsResponse = lazySchema(() => z.array(RunSummarySchema()));
