/** A dashboard's SQL: panel targets, annotation targets and SQL query variables, with where each is. */
export interface DashboardSql {
  readonly where: string;
  readonly sql: string;
}

interface Dashboard {
  readonly panels?: { title: string; targets?: { rawSql?: string }[] }[];
  readonly annotations?: { list: { name: string; target?: { rawSql?: string } }[] };
  readonly templating?: { list: { name: string; type: string; query?: unknown }[] };
}

export function sqlOfDashboard(dashboard: Dashboard): DashboardSql[] {
  const found: DashboardSql[] = [];
  for (const panel of dashboard.panels ?? []) {
    for (const target of panel.targets ?? []) {
      if (target.rawSql !== undefined) found.push({ where: `panel "${panel.title}"`, sql: target.rawSql });
    }
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    if (annotation.target?.rawSql !== undefined) {
      found.push({ where: `annotation "${annotation.name}"`, sql: annotation.target.rawSql });
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type === 'query' && typeof variable.query === 'string') {
      found.push({ where: `variable "${variable.name}"`, sql: variable.query });
    }
  }
  return found;
}

export function variablesOf(dashboard: Dashboard): string[] {
  return (dashboard.templating?.list ?? []).map((variable) => variable.name);
}

/** The Grafana SQL macros a query may use: they expand to time bounds Grafana computes, never to input. */
const SAFE_MACROS = new Set(['__timeFilter', '__timeFrom', '__timeTo', '__timeGroup', '__timeGroupAlias']);

/**
 * Every place a SQL text interpolates something other than a safe macro or a declared variable in
 * Grafana's SQL-quoting format `${name:sqlstring}` (which quotes the value and doubles its quotes).
 * `$name`, `${name}`, `[[name]]` and any other format splice the raw value into the SQL.
 */
export function unsafeInterpolations(sql: string, declared: readonly string[]): string[] {
  const problems: string[] = [];
  for (const match of sql.matchAll(/\[\[[^\]]*\]\]/g)) problems.push(match[0]);
  for (const match of sql.matchAll(/\$(\{[^}]*\}|\w*)(\()?/g)) {
    const [text, name = '', call] = match;
    if (name.startsWith('__') && call && SAFE_MACROS.has(name)) continue;
    const quoted = /^\{(\w+):sqlstring\}$/.exec(name);
    if (quoted && declared.includes(quoted[1] as string)) continue;
    problems.push(text);
  }
  return problems;
}

export interface Expansion {
  /** The dashboard's time range, as Grafana hands it to the datasource (an instant, ISO 8601). */
  readonly from: string;
  readonly to: string;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Grafana's `sqlstring` format (public/app/features/templating/formatRegistry.ts): the value in single
 * quotes with each quote doubled, and nothing else escaped. PostgreSQL's standard strings then read
 * backslashes, newlines and `$` literally.
 */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Renders a query as Grafana runs it on PostgreSQL, in Grafana's order: the browser interpolates the
 * variables (one pass, `${name:sqlstring}` to the quoted value; a value is never interpolated again),
 * then the datasource's backend expands the `$__macro(...)` calls over the whole text, string literals
 * included, as its macro engine's regular expression does (pkg/tsdb/grafana-postgresql-datasource/macros.go),
 * with Grafana's expansions of the time macros SAFE_MACROS names. Any other macro is an error here;
 * Grafana knows a few more (`$__time`, `$__unixEpoch...`) and errs on the rest.
 */
export function expandForPostgres(sql: string, expansion: Expansion): string {
  const interpolated = sql.replace(/\$\{(\w+):sqlstring\}/g, (_all, name: string) =>
    sqlString(expansion.values[name] ?? ''),
  );
  return interpolated.replace(/\$([_a-zA-Z0-9]+)\(([^)]*)\)/g, (_all, name: string, params: string) =>
    postgresMacro(
      name,
      params.split(',').map((arg) => arg.trim()),
      expansion,
    ),
  );
}

/** Grafana's formatting of a time bound: RFC 3339 in UTC, fractional seconds only when there are any. */
function rfc3339(instant: string): string {
  return new Date(instant).toISOString().replace(/\.?0+Z$/, 'Z');
}

function intervalSeconds(text: string | undefined): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec((text ?? '').replaceAll("'", ''));
  if (!match) throw new Error(`error parsing interval ${text}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** The expansion of one of SAFE_MACROS, as Grafana's PostgreSQL macro engine writes it. */
function postgresMacro(name: string, args: string[], expansion: Expansion): string {
  const [column] = args;
  const from = rfc3339(expansion.from);
  const to = rfc3339(expansion.to);
  const group = () => {
    const seconds = intervalSeconds(args[1]);
    return `floor(extract(epoch from ${column})/${seconds})*${seconds}`;
  };
  switch (name) {
    case '__timeFilter':
      return `${column} BETWEEN '${from}' AND '${to}'`;
    case '__timeFrom':
      return `'${from}'`;
    case '__timeTo':
      return `'${to}'`;
    case '__timeGroup':
      return group();
    case '__timeGroupAlias':
      return `${group()} AS "time"`;
    default:
      throw new Error(`unknown macro "${name}"`);
  }
}
