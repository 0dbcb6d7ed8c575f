/** Which route families a caller may use. */
export interface RouteAccess {
  readonly read: boolean;
  readonly write: boolean;
}

/** The scopes that open each family (any one is enough). */
export interface AccessRule {
  readonly readScopes: readonly string[];
  readonly writeScopes: readonly string[];
}

// A token carries a bounded number of permissions; past this it is not a token we issue or accept.
const MAX_PERMISSIONS = 256;

/**
 * The permissions a token's claim names: an OAuth `scope` string (space-separated), or an array of
 * strings (`scp`, `roles`, `groups`, `cognito:groups`). Anything else names none.
 */
export function permissionsOf(payload: Readonly<Record<string, unknown>>, claim: string): string[] {
  const value = payload[claim];
  const items = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
  return items
    .filter((item): item is string => typeof item === 'string' && item !== '')
    .slice(0, MAX_PERMISSIONS);
}

/** What the permissions open. Write does not imply read: a token asks for what it needs. */
export function accessOf(permissions: readonly string[], rule: AccessRule): RouteAccess {
  return {
    read: rule.readScopes.some((scope) => permissions.includes(scope)),
    write: rule.writeScopes.some((scope) => permissions.includes(scope)),
  };
}
