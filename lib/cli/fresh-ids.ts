import { randomUUID } from 'node:crypto';

export interface FreshIdsOptions {
  /** Move the events to this swarm: every `swarmId` equal to `fromSwarmId` becomes it. */
  readonly asSwarm?: { readonly fromSwarmId: string; readonly toSwarmId: string };
  /** Move the events to this run: every `runId` equal to `fromRunId` becomes it. */
  readonly asRun?: { readonly fromRunId: string; readonly toRunId: string };
  readonly newId?: () => string;
}

const ID_KEYS: ReadonlySet<string> = new Set(['correlationId', 'idempotencyKey']);

/**
 * Gives exported entries new identities for a replay into a new swarm: a new eventUid per entry, and
 * new correlation ids and idempotency keys, consistently: one old id maps to one new id across all
 * entries, wherever it appears as a `correlationId` or `idempotencyKey` value (top level, or inside
 * data, raw and extra, where PocketHive keeps the original envelope), so operations still correlate.
 * Optionally renames the swarm and run the same way. One instance per export.
 */
export class FreshIds {
  readonly #options: FreshIdsOptions;
  readonly #newId: () => string;
  readonly #ids = new Map<string, string>();

  constructor(options: FreshIdsOptions = {}) {
    this.#options = options;
    this.#newId = options.newId ?? randomUUID;
  }

  /** A rewritten copy of the entry; the entry itself is left alone. */
  rewrite(entry: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const rewritten = this.#rewriteObject(entry);
    rewritten.eventUid = this.#newId();
    return rewritten;
  }

  #rewriteValue(key: string | undefined, value: unknown): unknown {
    if (typeof value === 'string' && key !== undefined) return this.#rewriteString(key, value);
    if (Array.isArray(value)) return value.map((item) => this.#rewriteValue(undefined, item));
    if (typeof value === 'object' && value !== null) {
      return this.#rewriteObject(value as Record<string, unknown>);
    }
    return value;
  }

  #rewriteObject(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
    // fromEntries defines properties: a "__proto__" key stays a key.
    return Object.fromEntries(
      Object.entries(object).map(([key, value]) => [key, this.#rewriteValue(key, value)]),
    );
  }

  #rewriteString(key: string, value: string): string {
    if (ID_KEYS.has(key)) {
      let fresh = this.#ids.get(value);
      if (fresh === undefined) {
        fresh = this.#newId();
        this.#ids.set(value, fresh);
      }
      return fresh;
    }
    const { asSwarm, asRun } = this.#options;
    if (key === 'swarmId' && asSwarm && value === asSwarm.fromSwarmId) return asSwarm.toSwarmId;
    if (key === 'runId' && asRun && value === asRun.fromRunId) return asRun.toRunId;
    return value;
  }
}
