const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The claims a REST API writes as dates rather than numbers. */
const DATE_CLAIMS = new Set(['exp', 'iat']);

/**
 * `requestContext.authorizer.claims` of a Cognito user pool authorizer: every claim of the verified
 * token, each a string as the REST API hands it on. Captured events show the shapes: `exp` and `iat`
 * become dates in Java's `Date.toString()` form (`"Tue Apr 04 18:39:39 UTC 2023"`) while `auth_time`
 * stays the number of seconds (`"1680629979"`), booleans are `"true"` / `"false"`, and a list such as
 * `cognito:groups` is joined with commas (`"admin,operator"`).
 */
export function restApiClaims(payload: Readonly<Record<string, unknown>>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    claims[name] =
      DATE_CLAIMS.has(name) && typeof value === 'number'
        ? javaDateString(value)
        : Array.isArray(value)
          ? value.map(String).join(',')
          : typeof value === 'object' && value !== null
            ? JSON.stringify(value)
            : String(value);
  }
  return claims;
}

/** `EEE MMM dd HH:mm:ss zzz yyyy` in UTC, as Java's Date.toString() writes it. */
function javaDateString(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  const day = `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())}`;
  return `${day} ${time} UTC ${date.getUTCFullYear()}`;
}
