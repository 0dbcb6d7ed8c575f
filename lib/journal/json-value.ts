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
 * nest at most MAX_JSON_DEPTH levels. Iterative, so hostile depth cannot overflow.
 */
export function findJsonProblem(value: unknown, path: string): JsonProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const current = item.value;
    if (current === null || typeof current === 'boolean') continue;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path: item.path, reason: 'must be a finite number' };
      continue;
    }
    if (typeof current === 'string') {
      const reason = unstorableTextReason(current);
      if (reason) return { path: item.path, reason };
      continue;
    }
    if (typeof current !== 'object') {
      return { path: item.path, reason: `must be a JSON value, not ${typeof current}` };
    }
    if (item.depth >= MAX_JSON_DEPTH) {
      return { path: item.path, reason: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    }
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        if (!(index in current)) return { path: childPath(item.path, index), reason: 'must not be a hole' };
        stack.push({ value: current[index], path: childPath(item.path, index), depth: item.depth + 1 });
      }
      continue;
    }
    if (!isPlainObject(current)) return { path: item.path, reason: 'must be a plain JSON object' };
    const entries = Object.entries(current);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index] as [string, unknown];
      if (key === '__proto__') {
        return {
          path: childPath(item.path, key),
          reason: 'is not an allowed key (JavaScript objects drop or misread it)',
        };
      }
      const keyReason = unstorableTextReason(key);
      if (keyReason) return { path: childPath(item.path, key), reason: `key ${keyReason}` };
      stack.push({ value: child, path: childPath(item.path, key), depth: item.depth + 1 });
    }
  }
  return null;
}
