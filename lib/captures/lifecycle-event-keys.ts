import { EVENT_KINDS, SIGNALS } from '../journal/event-kinds.ts';
import { isLifecycleEvent } from '../journal/run-lifecycle.ts';

/** A (kind, type) the SQL of an ERRORS_ONLY capture keeps; `type: null` means any type of the kind. */
export interface LifecycleEventKey {
  readonly kind: string;
  readonly type: string | null;
}

// A type no producer sends: a kind that is a lifecycle kind even with it accepts any type.
const ANY_TYPE = '\u0000any';

/**
 * The (kind, type) pairs isLifecycleEvent accepts, as data the archival SQL can bind as a JSON
 * parameter: run-lifecycle.ts stays the one place that says what a lifecycle event is. Every kind
 * and type PocketHive writes (event-kinds.ts) is probed; a kind that accepts any type is one entry.
 */
export function lifecycleEventKeys(): LifecycleEventKey[] {
  const kinds = new Set(EVENT_KINDS.map((entry) => entry.kind));
  const types = new Set([...EVENT_KINDS.flatMap((entry) => entry.types), ...Object.values(SIGNALS)]);
  const keys: LifecycleEventKey[] = [];
  for (const kind of kinds) {
    if (isLifecycleEvent({ kind, type: ANY_TYPE })) {
      keys.push({ kind, type: null });
      continue;
    }
    for (const type of types) if (isLifecycleEvent({ kind, type })) keys.push({ kind, type });
  }
  return keys;
}

/** The same keys, computed once. */
export const LIFECYCLE_EVENT_KEYS: readonly LifecycleEventKey[] = lifecycleEventKeys();
