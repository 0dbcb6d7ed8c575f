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
  readonly from: string;
  readonly to: string;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Expands a query as Grafana's PostgreSQL datasource would, for running it against a real database:
 * time macros to the range, `${name:sqlstring}` to the quoted value.
 */
export function expandForPostgres(sql: string, expansion: Expansion): string {
  const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
  return sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_all, column: string) => {
      return `${column.trim()} BETWEEN ${quote(expansion.from)} AND ${quote(expansion.to)}`;
    })
    .replace(/\$__timeFrom\(\)/g, quote(expansion.from))
    .replace(/\$__timeTo\(\)/g, quote(expansion.to))
    .replace(/\$__timeGroupAlias\(([^,]+),\s*'(\d+)m'\)/g, (_all, column: string, minutes: string) => {
      return `to_timestamp(floor(extract(epoch from ${column.trim()}) / ${Number(minutes) * 60}) * ${Number(minutes) * 60}) AS "time"`;
    })
    .replace(/\$\{(\w+):sqlstring\}/g, (_all, name: string) => quote(expansion.values[name] ?? ''));
}
