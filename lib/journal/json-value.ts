import {
  type JsonTextBytes,
  type JsonTextTally,
  tallyContainer,
  tallyLiteral,
  tallyMemberKey,
  tallyNumber,
  tallyString,
} from './jsonb-text-size.ts';
import { unstorableTextReason } from './storable-text.ts';

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Deepest nesting accepted in a payload. PocketHive payloads are a few levels deep; the bound keeps
 * serialisation (recursive in V8 and PostgreSQL) away from stack limits and catches cyclic input.
 */
export const MAX_JSON_DEPTH = 64;

export interface JsonProblem {
  /** Where the problem is, e.g. `data.items[2].name`. */
  readonly path: string;
  readonly reason: string;
}

/** Appends a key or index to a display path: `data` + `a` -> `data.a`, + 2 -> `data[2]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  if (parent === '') return plain ? key : `[${JSON.stringify(key)}]`;
  return plain ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first reason `value` (found at `path`) cannot be stored as PostgreSQL jsonb, or null when it
 * can: it must be JSON (plain objects, dense arrays, finite numbers), its strings and keys storable
 * text, no key `__proto__` (zod drops it from parsed objects, so it would vanish unnoticed), and it must
 * nest at most MAX_JSON_DEPTH levels.
 */
export function findJsonProblem(value: unknown, path: string): JsonProblem | null {
  return inspectJson(value, path, { jsonb: 0, embedded: 0 });
}

/**
 * findJsonProblem that also measures: adds the value's text sizes (see JsonTextBytes) to `tally` as
 * it checks, so validating and sizing take one walk. `tally` is complete only when it returns null.
 */
export function inspectJson(value: unknown, path: string, tally: JsonTextTally): JsonProblem | null {
  return inspectNode({ value, parent: null, key: path, depth: 0 }, tally);
}

/**
 * inspectJson of an object member by member: the same checks in the same order (the object's keys,
 * then each member's value in turn), with each member's sizes apart, for an event whose payload
 * fields are bounded on their own.
 */
export function inspectJsonMembers(
  value: object,
  path: string,
):
  | { readonly problem: JsonProblem }
  | { readonly problem: null; readonly members: Map<string, JsonTextBytes> } {
  const root: Visit = { value, parent: null, key: path, depth: 0 };
  const keys = checkedKeys(root);
  if (!Array.isArray(keys)) return { problem: keys };
  const members = new Map<string, JsonTextBytes>();
  for (const key of keys) {
    const tally: JsonTextTally = { jsonb: 0, embedded: 0 };
    const problem = inspectChild(root, key, (value as Record<string, unknown>)[key], tally);
    if (problem) return { problem };
    members.set(key, tally);
  }
  return { problem: null, members };
}

/** A value being inspected and how it was reached; its display path is built only for a problem. */
interface Visit {
  readonly value: unknown;
  readonly parent: Visit | null;
  /** The member key or index under the parent; for the root, its path. */
  readonly key: string | number;
  readonly depth: number;
}

function pathOf(visit: Visit): string {
  return visit.parent === null ? (visit.key as string) : childPath(pathOf(visit.parent), visit.key);
}

// Recursive, yet hostile depth cannot overflow: a node deeper than MAX_JSON_DEPTH is refused before
// its children are visited. Every object's keys, and every array's holes, are checked before its
// first child is (last first, as the report of the first problem has always read). A leaf is checked
// where it is found, without a Visit of its own.
function inspectNode(visit: Visit, tally: JsonTextTally): JsonProblem | null {
  const current = visit.value;
  const leaf = leafProblem(current, tally);
  if (leaf !== undefined) return leaf === null ? null : { path: pathOf(visit), reason: leaf };
  if (Array.isArray(current)) {
    const refusal = depthOrTypeProblem(visit);
    if (refusal) return refusal;
    for (let index = current.length - 1; index >= 0; index--) {
      if (!(index in current)) {
        return { path: childPath(pathOf(visit), index), reason: 'must not be a hole' };
      }
    }
    tallyContainer(tally, current.length);
    for (let index = 0; index < current.length; index++) {
      const problem = inspectChild(visit, index, current[index], tally);
      if (problem) return problem;
    }
    return null;
  }
  const keys = checkedKeys(visit);
  if (!Array.isArray(keys)) return keys;
  tallyContainer(tally, keys.length);
  const record = current as Record<string, unknown>;
  for (const key of keys) {
    tallyMemberKey(tally, key);
    const problem = inspectChild(visit, key, record[key], tally);
    if (problem) return problem;
  }
  return null;
}

function inspectChild(parent: Visit, key: string | number, value: unknown, tally: JsonTextTally) {
  const leaf = leafProblem(value, tally);
  if (leaf === undefined) return inspectNode({ value, parent, key, depth: parent.depth + 1 }, tally);
  return leaf === null ? null : { path: childPath(pathOf(parent), key), reason: leaf };
}

/** For a string, number, boolean or null: why it cannot be stored, or null (then tallied); else undefined. */
function leafProblem(value: unknown, tally: JsonTextTally): string | null | undefined {
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value);
    if (reason === null) tallyString(tally, value);
    return reason;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'must be a finite number';
    tallyNumber(tally, value);
    return null;
  }
  if (value === null || typeof value === 'boolean') {
    tallyLiteral(tally, value);
    return null;
  }
  return undefined;
}

function depthOrTypeProblem(visit: Visit): JsonProblem | null {
  const current = visit.value;
  if (typeof current !== 'object' || current === null) {
    return { path: pathOf(visit), reason: `must be a JSON value, not ${typeof current}` };
  }
  if (visit.depth >= MAX_JSON_DEPTH) {
    return { path: pathOf(visit), reason: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return null;
}

/** The keys of the object being visited once they are all allowed, or the problem with one of them. */
function checkedKeys(visit: Visit): string[] | JsonProblem {
  const refusal = depthOrTypeProblem(visit);
  if (refusal) return refusal;
  const current = visit.value as object;
  if (Array.isArray(current) || !isPlainObject(current)) {
    return { path: pathOf(visit), reason: 'must be a plain JSON object' };
  }
  const keys = Object.keys(current);
  for (let index = keys.length - 1; index >= 0; index--) {
    const key = keys[index] as string;
    if (key === '__proto__') {
      return {
        path: childPath(pathOf(visit), key),
        reason: 'is not an allowed key (JavaScript objects drop or misread it)',
      };
    }
    const keyReason = unstorableTextReason(key);
    if (keyReason) return { path: childPath(pathOf(visit), key), reason: `key ${keyReason}` };
  }
  return keys;
}
