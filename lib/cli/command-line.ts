import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { UsageError } from './cli-errors.ts';

/** Flags of every command that talks to the service (see resolve-endpoints.ts). */
export const ENDPOINT_OPTIONS = {
  'api-url': { type: 'string' },
  'api-auth': { type: 'string' },
  'queue-url': { type: 'string' },
  'sqs-endpoint': { type: 'string' },
  region: { type: 'string' },
  'state-dir': { type: 'string' },
  token: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

export const ENDPOINT_USAGE = `Endpoints (flag, else environment, else .hive-journal/local.json of a running \`npm start\`):
  --api-url URL        journal HTTP API (HIVE_JOURNAL_API_URL)
  --api-auth iam|bearer|none
                       how API requests authenticate (HIVE_JOURNAL_API_AUTH): iam signs them with
                       SigV4; default: bearer with a token, else iam for
                       *.execute-api.<region>.amazonaws.com and the local stack, else none
  --token TOKEN        send API requests with \`Authorization: Bearer TOKEN\` (HIVE_JOURNAL_TOKEN), for
                       an API authorising with jwt; see \`hive-journal token\` for the local stack's
  --queue-url URL      journal queue (HIVE_JOURNAL_QUEUE_URL)
  --sqs-endpoint URL   SQS endpoint (AWS_ENDPOINT_URL_SQS); default: AWS's
  --region REGION      AWS region (AWS_REGION); default: from the queue or API host, else us-east-1
  --state-dir DIR      where local.json is (HIVE_JOURNAL_STATE_DIR); default: the project's .hive-journal/`;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies ParseArgsOptionsConfig;

type ParsedValues<O extends ParseArgsOptionsConfig> = {
  [K in keyof O]?: O[K] extends { multiple: true }
    ? O[K] extends { type: 'boolean' }
      ? boolean[]
      : string[]
    : O[K] extends { type: 'boolean' }
      ? boolean
      : string;
};

export interface CommandLine<O extends ParseArgsOptionsConfig> {
  readonly values: ParsedValues<O> & { help?: boolean };
  readonly positionals: string[];
}

/**
 * Parses a command's arguments with node:util parseArgs (strict: unknown flags and missing values are
 * errors), adding --help. Problems become a UsageError.
 */
export function parseCommandLine<const O extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: O,
  positionals: { readonly max: number },
): CommandLine<O> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, ...HELP_OPTION },
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (error) {
    throw new UsageError(`${describeParseError(error)}`);
  }
  if (parsed.positionals.length > positionals.max) {
    const extra = parsed.positionals.slice(positionals.max).join(' ');
    throw new UsageError(`unexpected argument(s) ${extra}`);
  }
  return { values: parsed.values as CommandLine<O>['values'], positionals: parsed.positionals };
}

function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  // Node's text goes on to explain `--` for positionals that start with a dash; the first sentence says it.
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return text.split('. ')[0]?.replace('Unknown', 'unknown') ?? text;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return text.replace(/^Option/, 'option');
  return text;
}

/** A flag the command cannot do without. */
export function requiredFlag(name: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A flag that takes one of a few words; any case. */
export function choiceFlag<const T extends string>(
  name: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const upper = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
  if (upper === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')}`);
  return upper;
}

/** A flag holding a whole number in [min, max]. */
export function integerFlag(
  name: string,
  value: string | undefined,
  bounds: { readonly min: number; readonly max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= bounds.min && number <= bounds.max)) {
    throw new UsageError(`--${name} must be a whole number from ${bounds.min} to ${bounds.max}`);
  }
  return number;
}

/** A flag holding a JSON object, e.g. --data '{"step": 1}'. */
export function jsonObjectFlag(name: string, value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new UsageError(`--${name} is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--${name} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
