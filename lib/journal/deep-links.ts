/**
 * Stable links from journal answers to where the rest of the story is: the Grafana dashboard with
 * the run's or event's filters and time range pre-filled, and for an event with a trace id its
 * X-Ray trace and a CloudWatch Logs Insights query for it. Links are only built when the deployment
 * names the targets (DeepLinkTargets); PocketHive's clients ignore the extra `links` fields.
 */

export interface DeepLinkTargets {
  /** Grafana's base URL (no trailing slash) and the uid of the journal dashboard. */
  readonly grafana: { readonly baseUrl: string; readonly dashboardUid: string } | null;
  /** The AWS console of the deployment's region, and the log groups a Logs Insights link searches. */
  readonly console: { readonly region: string; readonly logGroupNames: readonly string[] } | null;
}

export interface RunLinks {
  readonly grafana?: string;
}

export interface EventLinks {
  readonly grafana?: string;
  readonly trace?: string;
  readonly logs?: string;
}

/** Around a run or an event, so the dashboard shows what led up to it and followed it. */
export const LINK_MARGIN_MS = 5 * 60 * 1000;
/** A Logs Insights query looks this far either side of the event. */
export const LOGS_MARGIN_MS = 15 * 60 * 1000;

/** The Grafana dashboard of a run: swarmId, runId (and its capture) pre-filled, the run's span. */
export function runLinks(
  targets: DeepLinkTargets,
  run: {
    readonly swarmId: string;
    readonly runId: string;
    readonly firstTs: string | null;
    readonly lastTs: string | null;
    readonly captureId?: string | null;
  },
): RunLinks | undefined {
  if (targets.grafana === null) return undefined;
  return {
    grafana: grafanaUrl(targets.grafana, {
      swarmId: run.swarmId,
      runId: run.runId,
      captureId: run.captureId ?? null,
      from: run.firstTs,
      to: run.lastTs,
    }),
  };
}

/** The links of one journal event; undefined when there is nothing to link to. */
export function eventLinks(
  targets: DeepLinkTargets,
  event: {
    readonly timestamp: string;
    readonly swarmId: string | null;
    readonly runId: string | null;
    readonly correlationId: string | null;
    readonly traceId: string | null;
    readonly captureId?: string | null;
  },
): EventLinks | undefined {
  const links: { grafana?: string; trace?: string; logs?: string } = {};
  if (targets.grafana !== null) {
    links.grafana = grafanaUrl(targets.grafana, {
      swarmId: event.swarmId,
      runId: event.runId,
      correlationId: event.correlationId,
      captureId: event.captureId ?? null,
      from: event.timestamp,
      to: event.timestamp,
    });
  }
  if (targets.console !== null && event.traceId !== null) {
    const xrayId = xrayTraceId(event.traceId);
    if (xrayId !== null) links.trace = xrayTraceUrl(targets.console.region, xrayId);
    if (targets.console.logGroupNames.length > 0) {
      links.logs = logsInsightsUrl(targets.console, event.traceId, Date.parse(event.timestamp));
    }
  }
  return Object.keys(links).length === 0 ? undefined : links;
}

function grafanaUrl(
  grafana: NonNullable<DeepLinkTargets['grafana']>,
  filters: {
    readonly swarmId?: string | null;
    readonly runId?: string | null;
    readonly correlationId?: string | null;
    readonly captureId?: string | null;
    readonly from: string | null;
    readonly to: string | null;
  },
): string {
  const query = new URLSearchParams();
  for (const name of ['swarmId', 'runId', 'correlationId', 'captureId'] as const) {
    const value = filters[name];
    if (value !== undefined && value !== null) query.set(`var-${name}`, value);
  }
  const from = filters.from === null ? Number.NaN : Date.parse(filters.from);
  const to = filters.to === null ? Number.NaN : Date.parse(filters.to);
  query.set('from', Number.isFinite(from) ? String(from - LINK_MARGIN_MS) : 'now-24h');
  query.set('to', Number.isFinite(to) ? String(to + LINK_MARGIN_MS) : 'now');
  return `${grafana.baseUrl}/d/${encodeURIComponent(grafana.dashboardUid)}/hive-journal?${query}`;
}

/**
 * The X-Ray form of a trace id: X-Ray's own as is; a W3C trace id (32 hex digits) as X-Ray reads
 * one, `1-` + its first 8 digits (the epoch seconds) + `-` + the other 24.
 */
export function xrayTraceId(traceId: string): string | null {
  if (/^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(traceId)) return traceId;
  if (/^[0-9a-f]{32}$/.test(traceId)) return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
  return null;
}

function consoleHome(region: string): string {
  const encoded = encodeURIComponent(region);
  return `https://${encoded}.console.aws.amazon.com/cloudwatch/home?region=${encoded}`;
}

function xrayTraceUrl(region: string, xrayId: string): string {
  return `${consoleHome(region)}#xray:traces/${xrayId}`;
}

/**
 * A Logs Insights query for the trace id over the configured log groups, the event's time ± 15
 * minutes. The console reads its query from the URL fragment in its own encoding: the query detail
 * written as a JSURL-like object (`~(key~value~...)`, strings `'`-prefixed and percent-encoded with
 * `*` for `%`), escape()d, then `?queryDetail=` + that, percent-encoded once more with `$` for `%`.
 */
function logsInsightsUrl(
  console: NonNullable<DeepLinkTargets['console']>,
  traceId: string,
  atMs: number,
): string {
  const query = [
    'fields @timestamp, @message, @logStream, @log',
    `| filter @message like "${traceId}"`,
    '| sort @timestamp desc',
    '| limit 200',
  ].join('\n');
  const detail = consoleObject([
    ['end', consoleString(new Date(atMs + LOGS_MARGIN_MS).toISOString())],
    ['start', consoleString(new Date(atMs - LOGS_MARGIN_MS).toISOString())],
    ['timeType', consoleString('ABSOLUTE')],
    ['tz', consoleString('UTC')],
    ['editorString', consoleString(query)],
    ['isLiveTail', 'false'],
    ['source', `(${console.logGroupNames.map((name) => `~${consoleString(name)}`).join('')})`],
  ]);
  const fragment = encodeURIComponent(`?queryDetail=${jsEscape(detail)}`).replaceAll('%', '$');
  return `${consoleHome(console.region)}#logsV2:logs-insights${fragment}`;
}

function consoleString(value: string): string {
  return `'${encodeURIComponent(value).replaceAll('%', '*')}`;
}

function consoleObject(entries: ReadonlyArray<readonly [string, string]>): string {
  return `~(${entries.map(([key, value]) => `${key}~${value}`).join('~')})`;
}

/** What the deprecated global escape() does to ASCII: all but A-Z a-z 0-9 @ * _ + - . / become %XX. */
function jsEscape(text: string): string {
  return text.replace(
    /[^A-Za-z0-9@*_+\-./]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}
