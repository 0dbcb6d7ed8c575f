import * as z from 'zod/mini';
import type { DeepLinkTargets } from '../journal/deep-links.ts';

/**
 * The read function's link targets (set by infra/journal-api.ts from the `links` options). Each is
 * optional: without JOURNAL_GRAFANA_URL no Grafana links, without JOURNAL_CONSOLE_REGION no X-Ray and
 * Logs Insights links. JOURNAL_GRAFANA_DASHBOARD_UID is required with a Grafana URL.
 */
export const LinksEnvShape = {
  JOURNAL_GRAFANA_URL: z.optional(
    z
      .string()
      .check(
        z.regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s) URL without query or fragment'),
      ),
  ),
  JOURNAL_GRAFANA_DASHBOARD_UID: z.optional(
    z.string().check(z.regex(/^[\w-]{1,40}$/, 'must be a Grafana dashboard uid (letters, digits, - and _)')),
  ),
  JOURNAL_CONSOLE_REGION: z.optional(
    z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region, e.g. eu-west-1')),
  ),
  /** Comma-separated log group names a Logs Insights link searches (with JOURNAL_CONSOLE_REGION). */
  JOURNAL_TRACE_LOG_GROUPS: z.optional(z.string()),
};

type LinksEnv = { [Key in keyof typeof LinksEnvShape]?: string | undefined };

export function linkTargets(env: LinksEnv): DeepLinkTargets {
  const grafanaUrl = blankToUndefined(env.JOURNAL_GRAFANA_URL);
  const region = blankToUndefined(env.JOURNAL_CONSOLE_REGION);
  return {
    grafana:
      grafanaUrl === undefined
        ? null
        : { baseUrl: grafanaUrl.replace(/\/+$/, ''), dashboardUid: env.JOURNAL_GRAFANA_DASHBOARD_UID ?? '' },
    console:
      region === undefined
        ? null
        : {
            region,
            logGroupNames: (env.JOURNAL_TRACE_LOG_GROUPS ?? '')
              .split(',')
              .map((name) => name.trim())
              .filter((name) => name !== ''),
          },
  };
}

/** A Grafana URL needs the dashboard uid. */
export function linksEnvProblem(env: LinksEnv): string | null {
  return blankToUndefined(env.JOURNAL_GRAFANA_URL) !== undefined &&
    blankToUndefined(env.JOURNAL_GRAFANA_DASHBOARD_UID) === undefined
    ? 'JOURNAL_GRAFANA_DASHBOARD_UID is required with JOURNAL_GRAFANA_URL'
    : null;
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
