import { json } from '../db/sql-parameters.ts';
import { ConflictError, NotFoundError } from '../http/http-errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { journalOperatorAction, type Operator } from './journal-operator-action.ts';
import { type RunSummary, readRunSummary } from './list-runs.ts';
import { HIVE_RUN_SWARMS_SQL, RUN_SWARMS_SQL, UPSERT_RUN_META_SQL } from './update-run-meta.sql.ts';

/** PocketHive's tag limits (JournalMetadataNormalizer): at most 32 tags of at most 64 characters. */
export const MAX_TAGS = 32;
export const MAX_TAG_CHARS = 64;

/** Operator metadata as a client sends it; every field optional, null or blank clears. */
export interface RunMetaInput {
  readonly testPlan?: string | null | undefined;
  readonly description?: string | null | undefined;
  readonly tags?: ReadonlyArray<string | null> | null | undefined;
}

/** Metadata as it is stored. */
export interface RunMeta {
  readonly testPlan: string | null;
  readonly description: string | null;
  readonly tags: string[] | null;
}

export class RunNotFoundError extends NotFoundError {}

/** The run id is known under several swarms and the request did not say which. */
export class AmbiguousRunError extends ConflictError {
  constructor(runId: string, swarmIds: readonly string[]) {
    super(`Run ${runId} belongs to more than one swarm; say which with swarmId.`, { swarmIds });
  }
}

// Enough to show the client which swarms share the run id.
const MAX_SWARMS_REPORTED = 10;

/**
 * As PocketHive cleans an update: text trimmed, blank -> null; tags trimmed, blank and null ones
 * dropped, cut to 64 characters, then de-duplicated, at most 32 kept, none -> null.
 */
export function normaliseRunMeta(input: RunMetaInput): RunMeta {
  const tags: string[] = [];
  for (const raw of input.tags ?? []) {
    if (tags.length >= MAX_TAGS) break;
    const trimmed = raw?.trim() ?? '';
    if (trimmed === '') continue;
    const tag = cutToChars(trimmed, MAX_TAG_CHARS);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return {
    testPlan: blankToNull(input.testPlan),
    description: blankToNull(input.description),
    tags: tags.length > 0 ? tags : null,
  };
}

/**
 * Replaces a run's test plan, description and tags, journals who did it (the stored values in the
 * audit event), and returns its updated summary. The run is found by id alone (PocketHive's
 * contract) unless `swarmId` narrows it: an id known under several swarms is a conflict, an unknown
 * one not found; neither is journaled.
 */
export async function updateRunMeta(
  deps: { readonly sql: SqlClient; readonly clock: Clock },
  request: {
    readonly runId: string;
    readonly swarmId?: string | undefined;
    readonly meta: RunMetaInput;
    readonly operator: Operator;
  },
): Promise<RunSummary> {
  const { runId } = request;
  const swarmIds = await runSwarms(deps.sql, runId, request.swarmId);
  const swarmId = swarmIds[0];
  if (swarmId === undefined) {
    throw new RunNotFoundError(
      request.swarmId === undefined
        ? `No run ${runId} in the journal.`
        : `No run ${runId} of swarm ${request.swarmId} in the journal.`,
    );
  }
  if (swarmIds.length > 1) throw new AmbiguousRunError(runId, swarmIds);
  const meta = normaliseRunMeta(request.meta);
  await deps.sql.execute(UPSERT_RUN_META_SQL, {
    swarmId,
    runId,
    testPlan: meta.testPlan,
    description: meta.description,
    tags: json(meta.tags ?? []),
  });
  await journalOperatorAction(deps, request.operator, {
    type: 'journal-run-meta-updated',
    swarmId,
    runId,
    data: meta,
  });
  const summary = await readRunSummary(deps.sql, swarmId, runId, deps.clock.now());
  if (summary === null) throw new RunNotFoundError(`No run ${runId} in the journal.`);
  return summary;
}

/** The swarms the run id is known under: from runs and captures, else from the hive journal. */
async function runSwarms(sql: SqlClient, runId: string, swarmId: string | undefined): Promise<string[]> {
  const parameters = { runId, swarmId: swarmId ?? null, max: MAX_SWARMS_REPORTED };
  const known = await sql.execute<{ swarm_id: string }>(RUN_SWARMS_SQL, parameters);
  const rows =
    known.rows.length > 0
      ? known.rows
      : (await sql.execute<{ swarm_id: string }>(HIVE_RUN_SWARMS_SQL, parameters)).rows;
  return rows.map((row) => row.swarm_id);
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** The first `max` UTF-16 units (PocketHive's substring), never ending in half a surrogate pair. */
function cutToChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
