import { describe, expect, test } from 'vitest';
import { environmentOf, problemsOf, synthJournal } from './journal-synth.ts';

const LINK_VARIABLES = [
  'JOURNAL_GRAFANA_URL',
  'JOURNAL_GRAFANA_DASHBOARD_UID',
  'JOURNAL_CONSOLE_REGION',
  'JOURNAL_TRACE_LOG_GROUPS',
];

describe('links of the read answers (api.links)', () => {
  test('by default the read function gets no link targets', () => {
    const journal = synthJournal();
    const env = environmentOf(journal.template, journal.service.api.readFunction);
    for (const name of LINK_VARIABLES) expect(Object.keys(env)).not.toContain(name);
  });

  test("gives the read function Grafana's URL, the repository dashboard's uid and the console's region", () => {
    const journal = synthJournal({
      api: {
        links: {
          grafanaUrl: 'https://grafana.example.com/sub',
          awsConsole: { traceLogGroupNames: ['/aws/lambda/worker', '/pockethive/swarm'] },
        },
      },
    });
    const { api } = journal.service;

    expect(environmentOf(journal.template, api.readFunction)).toMatchObject({
      JOURNAL_GRAFANA_URL: 'https://grafana.example.com/sub',
      JOURNAL_GRAFANA_DASHBOARD_UID: 'hive-journal',
      JOURNAL_CONSOLE_REGION: { Ref: 'AWS::Region' },
      JOURNAL_TRACE_LOG_GROUPS: '/aws/lambda/worker,/pockethive/swarm',
    });
    // the write function answers no pages
    for (const name of LINK_VARIABLES) {
      expect(Object.keys(environmentOf(journal.template, api.writeFunction))).not.toContain(name);
    }
  });

  test('a dashboard uid of its own replaces the repository one', () => {
    const journal = synthJournal({
      api: { links: { grafanaUrl: 'https://g.example.com', grafanaDashboardUid: 'my-journal' } },
    });
    expect(environmentOf(journal.template, journal.service.api.readFunction)).toMatchObject({
      JOURNAL_GRAFANA_DASHBOARD_UID: 'my-journal',
    });
  });

  test('names what is wrong with the links', () => {
    expect(
      problemsOf({
        api: {
          links: {
            grafanaUrl: 'grafana.example.com/?orgId=1',
            grafanaDashboardUid: 'not a uid',
            awsConsole: { traceLogGroupNames: ['bad name!'] },
          },
        },
      }),
    ).toEqual([
      'api.links.grafanaUrl must be an http(s) URL without query or fragment (got grafana.example.com/?orgId=1)',
      'api.links.grafanaDashboardUid must be a Grafana dashboard uid (letters, digits, - and _)',
      'api.links.awsConsole.traceLogGroupNames holds an invalid log group name (bad name!)',
    ]);
    expect(problemsOf({ api: { links: { grafanaDashboardUid: 'x' } } })).toEqual([
      'api.links.grafanaDashboardUid needs grafanaUrl',
    ]);
  });
});
