import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import { CliError, UsageError } from './cli-errors.ts';
import type { LocalConfigFile, LocalCredentials } from './local-config.ts';

/** Where an endpoint setting came from, for messages that say which one was used. */
export type EndpointSource = 'flag' | 'env' | 'local.json';

export interface ResolvedSetting {
  readonly value: string;
  readonly source: EndpointSource;
  /** The flag, variable or file it came from, e.g. `--queue-url` or `HIVE_JOURNAL_QUEUE_URL`. */
  readonly from: string;
}

/** Where a command sends and reads: the journal queue, the HTTP API, and how to talk to them. */
export interface CliEndpoints {
  readonly apiUrl: ResolvedSetting | undefined;
  readonly queueUrl: ResolvedSetting | undefined;
  readonly sqsEndpoint: ResolvedSetting | undefined;
  readonly region: string;
  /**
   * iam: API requests are signed with SigV4 (an API Gateway with AWS_IAM authorisation); bearer: they
   * carry `bearerToken` (an API authorising with jwt).
   */
  readonly apiAuth: 'iam' | 'bearer' | 'none';
  readonly bearerToken: string | undefined;
  /** The SQS endpoint is the local stack's: its credentials (or placeholders, which it does not check). */
  readonly localSqs: boolean;
  /** The local stack's credentials, when the API or queue is the local stack's (local.json). */
  readonly localCredentials: LocalCredentials | undefined;
  readonly localConfig: LocalConfigFile;
}

export interface EndpointFlags {
  readonly 'api-url'?: string;
  readonly 'api-auth'?: string;
  readonly 'queue-url'?: string;
  readonly 'sqs-endpoint'?: string;
  readonly region?: string;
  readonly token?: string;
}

/** The region of the local stack (local/local-stack.ts). */
const LOCAL_REGION = 'us-east-1';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Resolves each endpoint setting: a flag, else its environment variable, else the local stack's
 * local.json. local.json's SQS endpoint is used only with its own queue URL: a queue URL given by
 * flag or environment is a real one unless an endpoint is given the same way.
 */
export function resolveEndpoints(
  flags: EndpointFlags,
  env: Readonly<Record<string, string | undefined>>,
  localConfig: LocalConfigFile,
): CliEndpoints {
  const local = localConfig.status === 'found' ? localConfig.config : {};
  const setting = (flag: keyof EndpointFlags, variable: string, fromFile: string | undefined) =>
    pick([
      { value: flags[flag], source: 'flag', from: `--${flag}` },
      { value: env[variable], source: 'env', from: variable },
      { value: fromFile, source: 'local.json', from: localConfig.path },
    ]);
  const apiUrl = setting('api-url', 'HIVE_JOURNAL_API_URL', local.apiUrl);
  const queueUrl = setting('queue-url', 'HIVE_JOURNAL_QUEUE_URL', local.queueUrl);
  const sqsEndpoint = setting(
    'sqs-endpoint',
    'AWS_ENDPOINT_URL_SQS',
    queueUrl?.source === 'local.json' ? local.sqsEndpoint : undefined,
  );
  const usesLocal = apiUrl?.source === 'local.json' || queueUrl?.source === 'local.json';
  const localCredentials = usesLocal ? local.credentials : undefined;
  const region =
    nonBlank(flags.region) ??
    nonBlank(env.AWS_REGION) ??
    nonBlank(env.AWS_DEFAULT_REGION) ??
    regionOfQueueUrl(queueUrl?.value) ??
    regionOfApiUrl(apiUrl?.value) ??
    (usesLocal ? local.region : undefined) ??
    LOCAL_REGION;
  const bearerToken = bearerTokenOf(flags.token, env.HIVE_JOURNAL_TOKEN);
  return {
    apiUrl,
    queueUrl,
    sqsEndpoint,
    region,
    apiAuth: apiAuthOf(
      nonBlank(flags['api-auth']) ?? nonBlank(env.HIVE_JOURNAL_API_AUTH),
      apiUrl,
      apiUrl?.source === 'local.json' && local.credentials !== undefined,
      bearerToken !== undefined,
    ),
    bearerToken,
    localSqs:
      sqsEndpoint !== undefined &&
      (sqsEndpoint.source === 'local.json' || LOOPBACK_HOSTS.has(new URL(sqsEndpoint.value).hostname)),
    localCredentials,
    localConfig,
  };
}

/** The queue URL, or a UsageError saying how to give one. */
export function requireQueueUrl(endpoints: CliEndpoints): string {
  if (endpoints.queueUrl) return endpoints.queueUrl.value;
  throw new UsageError(
    `no journal queue: pass --queue-url, set HIVE_JOURNAL_QUEUE_URL, or run \`npm start\` (${whyNoLocal(endpoints.localConfig)})`,
  );
}

/** The API URL, or a UsageError saying how to give one. */
export function requireApiUrl(endpoints: CliEndpoints): string {
  if (endpoints.apiUrl) return endpoints.apiUrl.value;
  throw new UsageError(
    `no journal API: pass --api-url, set HIVE_JOURNAL_API_URL, or run \`npm start\` (${whyNoLocal(endpoints.localConfig)})`,
  );
}

/** How to build an SQSClient for these endpoints: real credentials from the default chain unless local. */
export function sqsClientConfig(endpoints: CliEndpoints): SQSClientConfig {
  return {
    region: endpoints.region,
    ...(endpoints.sqsEndpoint ? { endpoint: endpoints.sqsEndpoint.value } : {}),
    ...(endpoints.localSqs
      ? { credentials: endpoints.localCredentials ?? { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  };
}

function pick(
  candidates: ReadonlyArray<{ value: string | undefined; source: EndpointSource; from: string }>,
): ResolvedSetting | undefined {
  for (const candidate of candidates) {
    const value = nonBlank(candidate.value);
    if (value === undefined) continue;
    if (!isHttpUrl(value)) {
      const message = `${candidate.from} is not an http(s) URL: ${value}`;
      throw candidate.source === 'local.json' ? new CliError(message) : new UsageError(message);
    }
    return { value, source: candidate.source, from: candidate.from };
  }
  return undefined;
}

// The local stack's API (local.json with credentials) checks SigV4 as the deployed one does.
function apiAuthOf(
  given: string | undefined,
  apiUrl: ResolvedSetting | undefined,
  localSigned: boolean,
  hasToken: boolean,
): CliEndpoints['apiAuth'] {
  if (given === undefined) {
    if (hasToken) return 'bearer';
    return (apiUrl && regionOfApiUrl(apiUrl.value)) || localSigned ? 'iam' : 'none';
  }
  const lower = given.toLowerCase();
  if (lower !== 'iam' && lower !== 'bearer' && lower !== 'none') {
    throw new UsageError(`--api-auth must be iam, bearer or none`);
  }
  if (lower === 'bearer' && !hasToken) {
    throw new UsageError('--api-auth bearer needs a token: pass --token or set HIVE_JOURNAL_TOKEN');
  }
  if (lower !== 'bearer' && hasToken) {
    throw new UsageError(`a token is sent as a bearer token, not with --api-auth ${lower}: leave one out`);
  }
  return lower;
}

// RFC 6750's b64token is printable ASCII without spaces; anything else would break the header.
function bearerTokenOf(flag: string | undefined, variable: string | undefined): string | undefined {
  const [token, from] =
    flag !== undefined ? [nonBlank(flag), '--token'] : [nonBlank(variable), 'HIVE_JOURNAL_TOKEN'];
  if (token === undefined) return undefined;
  if (!/^[\x21-\x7E]+$/.test(token)) {
    throw new UsageError(`${from} is not a token (printable ASCII, no spaces; leave out "Bearer ")`);
  }
  return token;
}

function whyNoLocal(file: LocalConfigFile): string {
  if (file.status === 'missing') return `no local stack has written ${file.path}`;
  if (file.status === 'unreadable') return `${file.path} is unreadable: ${file.reason}`;
  return `${file.path} does not name one`;
}

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

// https://sqs.eu-west-1.amazonaws.com/123456789012/queue, or the legacy eu-west-1.queue.amazonaws.com.
function regionOfQueueUrl(queueUrl: string | undefined): string | undefined {
  if (queueUrl === undefined) return undefined;
  const host = new URL(queueUrl).hostname;
  return (
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1] ??
    /^([a-z0-9-]+)\.queue\.amazonaws\.com$/.exec(host)?.[1]
  );
}

// https://abc123.execute-api.eu-west-1.amazonaws.com/prod
function regionOfApiUrl(apiUrl: string | undefined): string | undefined {
  if (apiUrl === undefined) return undefined;
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(apiUrl).hostname)?.[1];
}
