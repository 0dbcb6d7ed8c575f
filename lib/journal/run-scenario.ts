import { SIGNALS } from './event-kinds.ts';
import type { JournalEvent } from './event-schema.ts';
import type { JsonValue } from './json-value.ts';
import { isLifecycleEvent } from './run-lifecycle.ts';
import { hasControlCharacter, utf8Bytes } from './storable-text.ts';

/**
 * Which template (PocketHive's scenario) a run was created from, as its lifecycle events say:
 * PocketHive keeps it in journal_run.scenario_id (the Journals index groups runs by it), writing it
 * when the orchestrator launches the swarm's controller, and journals it in two places (read from
 * sepa79/PocketHive):
 * - the orchestrator's hive entry of an accepted create, kind=command, type=swarm-create, carries the
 *   create request's template as data.templateId (beside data.runId, the run it starts);
 * - the swarm controller stamps its own envelopes with its runtime identity (templateId, runId,
 *   containerId, image, stackName) in their `runtime` member, and journals the envelope it sends as
 *   raw: its results of swarm-start and swarm-stop carry raw.runtime.templateId.
 *
 * A template id in another shape is ignored, never a reason to refuse the event: it sits in a payload
 * the schema accepts as any JSON, the event is a valid lifecycle record the journal must keep, and the
 * scenario is a label derived from it (PocketHive's own registration is best effort).
 */

/** The events and fields a run's template id is read from, in the order they are asked. */
export const SCENARIO_ID_SOURCES = [
  { kinds: ['command', 'signal'], types: [SIGNALS.swarmCreate], path: ['data', 'templateId'] },
  { kinds: null, types: null, path: ['raw', 'runtime', 'templateId'] },
] as const satisfies readonly {
  /** null: any lifecycle event. */
  readonly kinds: readonly string[] | null;
  readonly types: readonly string[] | null;
  readonly path: readonly ['data' | 'raw', ...string[]];
}[];

/**
 * The longest template id kept, in UTF-8 bytes: any stored id is also a valid ?scenarioId= filter
 * (at most 256 characters). PocketHive's scenario ids are folder names, far shorter.
 */
export const SCENARIO_ID_MAX_BYTES = 256;

type ScenarioInput = Pick<JournalEvent, 'kind' | 'type' | 'data' | 'raw'>;

/** The template id a lifecycle event says its run was created from, trimmed; null when it says none usable. */
export function scenarioIdOf(event: ScenarioInput): string | null {
  if (!isLifecycleEvent(event)) return null;
  for (const source of SCENARIO_ID_SOURCES) {
    if (source.kinds !== null && !(source.kinds as readonly string[]).includes(event.kind)) continue;
    if (source.types !== null && !(source.types as readonly string[]).includes(event.type)) continue;
    const [payload, ...path] = source.path;
    const scenarioId = usableScenarioId(valueAt(event[payload], path));
    if (scenarioId !== null) return scenarioId;
  }
  return null;
}

function valueAt(root: JsonValue | null, path: readonly string[]): JsonValue | undefined {
  let value: JsonValue | undefined = root ?? undefined;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) {
      return undefined;
    }
    value = value[key];
  }
  return value;
}

/**
 * A string, trimmed as PocketHive trims a template id, not blank, at most SCENARIO_ID_MAX_BYTES, free
 * of control characters; anything else is none. Not cut to fit: a shortened id would name another
 * scenario. (U+0000 and lone surrogates never get here: the payload was checked as storable JSON.)
 */
function usableScenarioId(value: JsonValue | undefined): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '' || utf8Bytes(trimmed) > SCENARIO_ID_MAX_BYTES || hasControlCharacter(trimmed)) {
    return null;
  }
  return trimmed;
}
