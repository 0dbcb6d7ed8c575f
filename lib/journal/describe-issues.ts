import type { z } from 'zod';
import { childPath } from './json-value.ts';

/**
 * A human-readable rejection reason from zod issues, naming each field:
 * `timestamp: is required; severity: must be one of DEBUG, INFO, WARN, ERROR`.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  // Two checks can say the same thing (a length in characters and in bytes): say it once.
  return [...new Set(flatten(issues, []))].join('; ');
}

/** An issue saying the value is not even of the branch's type, rather than a detail inside it. */
function isTypeMismatch(issue: z.core.$ZodIssue): boolean {
  return issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
}

function flatten(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      // A union branch of the value's type (scope is an object, but scope.role is too long) says
      // more than the union's generic "must be A or B".
      const matched = issue.errors.find((branch) => branch.length > 0 && !branch.some(isTypeMismatch));
      if (matched) {
        lines.push(...flatten(matched, path));
        continue;
      }
    }
    const where = path.reduce<string>(
      (text, key) => childPath(text, typeof key === 'number' ? key : String(key)),
      '',
    );
    lines.push(where ? `${where}: ${issue.message}` : issue.message);
  }
  return lines;
}
