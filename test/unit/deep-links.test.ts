import { describe, expect, test } from 'vitest';
import { type DeepLinkTargets, eventLinks, runLinks, xrayTraceId } from '../../lib/journal/deep-links.ts';

const grafanaOnly: DeepLinkTargets = {
  grafana: { baseUrl: 'https://grafana.example.com/sub', dashboardUid: 'hive-journal' },
  console: null,
};
const everything: DeepLinkTargets = {
  ...grafanaOnly,
  console: { region: 'eu-west-1', logGroupNames: ['/aws/lambda/worker', '/pockethive/swarm a'] },
};
const nothing: DeepLinkTargets = { grafana: null, console: null };

const event = {
  timestamp: '2026-12-04T10:00:00.123456Z',
  swarmId: 'swarm a&b=#1',
  runId: "run'1",
  correlationId: 'corr/ü',
  traceId: '0af7651916cd43dd8448eb211c80319c',
};

/** Undoes the console's fragment encoding (see deep-links.ts) into the query detail's fields. */
function logsQueryDetail(url: string): Record<string, string> {
  const fragment = url.slice(url.indexOf('#logsV2:logs-insights') + '#logsV2:logs-insights'.length);
  const outer = decodeURIComponent(fragment.replaceAll('$', '%'));
  expect(outer.startsWith('?queryDetail=')).toBe(true);
  const detail = unescape(outer.slice('?queryDetail='.length));
  expect(detail.startsWith('~(') && detail.endsWith(')')).toBe(true);
  const fields: Record<string, string> = {};
  const body = detail.slice(2, -1);
  const source = body.indexOf('~source~(');
  const parts = body.slice(0, source).split('~');
  for (let i = 0; i < parts.length; i += 2) fields[parts[i] as string] = parts[i + 1] as string;
  fields.source = body.slice(source + '~source~'.length);
  const text = (value: string) => decodeURIComponent(value.slice(1).replaceAll('*', '%'));
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      value.startsWith("'")
        ? text(value)
        : value.startsWith('(')
          ? value
              .slice(2, -1)
              .split('~')
              .map((name) => text(name))
              .join('|')
          : value,
    ]),
  );
}

describe('deep links', () => {
  test('nothing configured, no links', () => {
    expect(eventLinks(nothing, event)).toBeUndefined();
    expect(runLinks(nothing, { swarmId: 's', runId: 'r', firstTs: null, lastTs: null })).toBeUndefined();
  });

  test("a run's Grafana link pre-fills swarm, run and capture, URL-encoded, over its span ± 5 minutes", () => {
    const links = runLinks(grafanaOnly, {
      swarmId: event.swarmId,
      runId: event.runId,
      firstTs: '2026-12-04T10:00:00Z',
      lastTs: '2026-12-04T11:00:00Z',
      captureId: '5f0c6c1e-8a4e-4d5b-9a39-0c7c2b1d9e11',
    });
    const url = new URL(links?.grafana as string);
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://grafana.example.com/sub/d/hive-journal/hive-journal',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      'var-swarmId': 'swarm a&b=#1',
      'var-runId': "run'1",
      'var-captureId': '5f0c6c1e-8a4e-4d5b-9a39-0c7c2b1d9e11',
      from: String(Date.parse('2026-12-04T09:55:00Z')),
      to: String(Date.parse('2026-12-04T11:05:00Z')),
    });
    expect(links?.grafana).not.toContain(' ');
    expect(links?.grafana).not.toContain("'");
  });

  test('a run without entries links to the last 24 hours', () => {
    const url = new URL(
      runLinks(grafanaOnly, { swarmId: 's', runId: 'r', firstTs: null, lastTs: null })?.grafana as string,
    );
    expect(url.searchParams.get('from')).toBe('now-24h');
    expect(url.searchParams.get('to')).toBe('now');
  });

  test("an event's Grafana link adds its correlation id, over its time ± 5 minutes", () => {
    const url = new URL(eventLinks(grafanaOnly, event)?.grafana as string);
    expect(url.searchParams.get('var-correlationId')).toBe('corr/ü');
    expect(url.searchParams.get('var-swarmId')).toBe('swarm a&b=#1');
    expect(Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'))).toBe(10 * 60 * 1000);
    expect(eventLinks(grafanaOnly, event)).not.toHaveProperty('trace');
  });

  test('an event with a trace id links to its X-Ray trace and a Logs Insights query over the log groups', () => {
    const links = eventLinks(everything, event);
    expect(links?.trace).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#xray:traces/1-0af76519-16cd43dd8448eb211c80319c',
    );
    expect(
      links?.logs?.startsWith(
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D$257E$2528end$257E$2527',
      ),
    ).toBe(true);
    expect(logsQueryDetail(links?.logs as string)).toEqual({
      end: '2026-12-04T10:15:00.123Z',
      start: '2026-12-04T09:45:00.123Z',
      timeType: 'ABSOLUTE',
      tz: 'UTC',
      editorString: [
        'fields @timestamp, @message, @logStream, @log',
        '| filter @message like "0af7651916cd43dd8448eb211c80319c"',
        '| sort @timestamp desc',
        '| limit 200',
      ].join('\n'),
      isLiveTail: 'false',
      source: '/aws/lambda/worker|/pockethive/swarm a',
    });
  });

  test('no trace id, no trace or logs link; no log groups, no logs link', () => {
    expect(
      eventLinks({ grafana: null, console: everything.console }, { ...event, traceId: null }),
    ).toBeUndefined();
    const links = eventLinks({ grafana: null, console: { region: 'eu-west-1', logGroupNames: [] } }, event);
    expect(Object.keys(links ?? {})).toEqual(['trace']);
  });

  test('trace ids in X-Ray form: X-Ray ids as they are, W3C ids converted, anything else none', () => {
    expect(xrayTraceId('1-5759e988-bd862e3fe1be46a994272793')).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(xrayTraceId('5759e988bd862e3fe1be46a994272793')).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(xrayTraceId('not-a-trace')).toBeNull();
  });
});
