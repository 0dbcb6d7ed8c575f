import { json } from '../db/sql-parameters.ts';
import type { TypedSqlParameter } from '../ports/sql-client.ts';
import { NAMESPACE_SEGMENT_PATTERN } from './event-schema.ts';
import { NAMESPACE_MAX_SEGMENTS, NAMESPACE_SEGMENT_MAX_BYTES } from './row-budget.ts';

/**
 * A namespace filter as clients write it: the leading segments of an event's namespacePath joined
 * with "/" (`acme/team-a` matches `["acme", "team-a"]` and `["acme", "team-a", "perf"]`, not
 * `["acme", "team-ab"]`). A segment cannot hold "/" (see NAMESPACE_SEGMENT_PATTERN), so the split
 * is unambiguous; one trailing "/" is allowed.
 */
export function parseNamespacePrefix(text: string): { value: string[] } | { error: string } {
  const segments = (text.endsWith('/') ? text.slice(0, -1) : text).split('/');
  if (segments.length > NAMESPACE_MAX_SEGMENTS) {
    return { error: `must have at most ${NAMESPACE_MAX_SEGMENTS} segments separated by /` };
  }
  for (const segment of segments) {
    if (segment.length > NAMESPACE_SEGMENT_MAX_BYTES || !NAMESPACE_SEGMENT_PATTERN.test(segment)) {
      return {
        error: `must be namespace segments separated by /, each 1 to ${NAMESPACE_SEGMENT_MAX_BYTES} letters, digits and . _ @ : - (starting with a letter or digit)`,
      };
    }
  }
  return { value: segments };
}

/**
 * The SQL predicate "`column` starts with the prefix": its first segment equal (what the
 * namespace indexes are on, migration 0009) and its leading segments equal, with the
 * :namespaceRoot and :namespacePrefix parameters of namespacePrefixParameters. (The slice's colon has
 * spaces around it: `[1:name` would read as the named parameter `:name`.)
 */
export function namespacePrefixSql(column: string): string {
  // IS NOT NULL spelled out: the indexes are partial on it, and PostgreSQL does not infer it from a[1] = x
  return `(${column} IS NOT NULL AND ${column}[1] = CAST(:namespaceRoot AS text)
      AND ${column}[1 : jsonb_array_length(CAST(:namespacePrefix AS jsonb))] = ARRAY(
        SELECT p.segment FROM jsonb_array_elements_text(CAST(:namespacePrefix AS jsonb)) WITH ORDINALITY AS p(segment, position)
        ORDER BY p.position))`;
}

/** The parameters of namespacePrefixSql: the first segment, and every segment as a JSON array. */
export function namespacePrefixParameters(prefix: readonly string[]): {
  namespaceRoot: string;
  namespacePrefix: TypedSqlParameter;
} {
  return { namespaceRoot: prefix[0] as string, namespacePrefix: json(prefix) };
}
