import * as z from 'zod';
import type { CliCommand } from './cli-command.ts';
import { CliError, UsageError } from './cli-errors.ts';
import { writeOut } from './cli-io.ts';
import { commandLocalConfig } from './command-endpoints.ts';
import { parseCommandLine } from './command-line.ts';
import type { LocalConfigFile } from './local-config.ts';

const NAME = 'token';

const OPTIONS = {
  scope: { type: 'string', multiple: true },
  sub: { type: 'string' },
  'expires-in': { type: 'string' },
  issuer: { type: 'string' },
  'state-dir': { type: 'string' },
} as const;

const USAGE = `Usage: hive-journal token --scope SCOPE... [--sub NAME] [--expires-in 1h|3600] [--issuer URL]

Prints an access token of the local OIDC issuer that \`npm start -- --auth jwt\` runs, and only the
token, so that TOKEN=$(hive-journal token --scope journal.read) works. tail and export send it with
--token TOKEN or HIVE_JOURNAL_TOKEN; curl with -H "Authorization: Bearer $TOKEN".

  --scope SCOPE    a scope the token carries, e.g. journal.read or journal.write; repeat the flag
                   or separate scopes with spaces ("journal.read journal.write")
  --sub NAME       whom the token speaks for (default: the issuer's, local-operator)
  --expires-in D   lifetime: seconds (3600) or 30s, 15m, 2h, 1d; at most 1d (default 1h)
  --issuer URL     the issuer (HIVE_JOURNAL_OIDC_ISSUER); default: local.json's oidcIssuer
  --state-dir DIR  where local.json is (HIVE_JOURNAL_STATE_DIR); default: the project's .hive-journal/

The issuer signs whatever it is asked for, without a password: it is the local stack's stand-in for
a real identity provider. A deployed stack's tokens come from that provider.`;

const LIFETIME = /^(\d{1,6})([smhd]?)$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };
/** The local issuer's limit (local/oidc/token-request.ts). */
const MAX_LIFETIME_SECONDS = 86_400;
const REQUEST_TIMEOUT_MS = 10_000;

const Discovery = z.object({ token_endpoint: z.url() });
const TokenResponse = z.object({ access_token: z.string().min(1) });

export const tokenCommand: CliCommand = {
  name: NAME,
  summary: 'print an access token of the local OIDC issuer (jwt mode)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS, { max: 0 });
    if (values.help) {
      await writeOut(io.stdout, `${USAGE}\n`);
      return 0;
    }
    const scope = (values.scope ?? []).flatMap((value) => value.split(/\s+/)).filter((item) => item !== '');
    if (scope.length === 0) throw new UsageError('--scope is required, e.g. --scope journal.read');
    const expiresInSeconds =
      values['expires-in'] === undefined ? undefined : lifetimeOf(values['expires-in']);
    const issuer = issuerOf(values.issuer, io.env, await commandLocalConfig(values, io));
    const signal = AbortSignal.any([io.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);

    const discovery = Discovery.safeParse(
      await requestJson(issuer, `${issuer.url.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
        signal,
      }),
    );
    if (!discovery.success) {
      throw new CliError(
        `${issuer.url} is not an OIDC issuer: its discovery document names no token_endpoint`,
      );
    }
    const answer = TokenResponse.safeParse(
      await requestJson(issuer, discovery.data.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          scope: [...new Set(scope)].join(' '),
          ...(values.sub === undefined ? {} : { sub: values.sub }),
          ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
        }),
        signal,
      }),
    );
    if (!answer.success) throw new CliError(`${discovery.data.token_endpoint} answered no access_token`);
    await writeOut(io.stdout, `${answer.data.access_token}\n`);
    return 0;
  },
};

interface IssuerSetting {
  readonly url: string;
  readonly from: string;
}

/** --issuer, else HIVE_JOURNAL_OIDC_ISSUER, else local.json's oidcIssuer, else a UsageError saying why. */
function issuerOf(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  localConfig: LocalConfigFile,
): IssuerSetting {
  const candidates = [
    { value: flag, from: '--issuer' },
    { value: env.HIVE_JOURNAL_OIDC_ISSUER, from: 'HIVE_JOURNAL_OIDC_ISSUER' },
    {
      value: localConfig.status === 'found' ? localConfig.config.oidcIssuer : undefined,
      from: localConfig.path,
    },
  ];
  for (const { value, from } of candidates) {
    const url = value?.trim();
    if (!url) continue;
    if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
      throw new UsageError(`${from} is not an http(s) URL: ${url}`);
    }
    return { url, from };
  }
  const why =
    localConfig.status === 'missing'
      ? `no local stack has written ${localConfig.path}`
      : localConfig.status === 'unreadable'
        ? `${localConfig.path} is unreadable: ${localConfig.reason}`
        : `${localConfig.path} names no oidcIssuer`;
  throw new UsageError(
    `no OIDC issuer: the local stack is not running in jwt mode (start it with \`npm start -- --auth jwt\`), or pass --issuer URL (${why})`,
  );
}

/** --expires-in: whole seconds, or with a unit (30s, 15m, 2h, 1d), from 1 s to 1 d. */
function lifetimeOf(value: string): number {
  const match = LIFETIME.exec(value.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_LIFETIME_SECONDS)) {
    throw new UsageError('--expires-in must be from 1 second to 1 day: 3600, 30s, 15m, 2h or 1d');
  }
  return seconds;
}

/** The JSON answer of a request to the issuer; its problem (400) is a UsageError, as it is about the flags. */
async function requestJson(issuer: IssuerSetting, url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'error' });
  } catch (error) {
    // Ctrl-C (runCli reports it); a timeout is the issuer's failure to answer.
    if ((error as Error).name === 'AbortError') throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    const stale = issuer.from.endsWith('local.json') ? '; is `npm start -- --auth jwt` still running?' : '';
    throw new CliError(
      `cannot reach the OIDC issuer at ${issuer.url} (from ${issuer.from}): ${cause}${stale}`,
      {
        cause: error,
      },
    );
  }
  const text = await response.text();
  if (!response.ok) {
    const detail = problemDetail(text);
    const message = `${init.method ?? 'GET'} ${url}: HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
    throw response.status === 400 ? new UsageError(message) : new CliError(message);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${init.method ?? 'GET'} ${url}: the answer is not JSON`);
  }
}

function problemDetail(text: string): string | undefined {
  try {
    const { detail } = JSON.parse(text) as { detail?: unknown };
    return typeof detail === 'string' ? detail : undefined;
  } catch {
    return undefined;
  }
}
