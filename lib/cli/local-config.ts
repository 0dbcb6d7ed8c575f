import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `npm start` writes to <state dir>/local.json: where each part of the local stack listens. */
export interface LocalConfig {
  readonly apiUrl?: string;
  readonly sqsEndpoint?: string;
  readonly queueUrl?: string;
  readonly dlqUrl?: string;
  readonly dataApiEndpoint?: string;
  readonly resourceArn?: string;
  readonly secretArn?: string;
  readonly databaseUrl?: string;
  readonly region?: string;
  /** The local OIDC issuer's URL, when the stack runs in jwt mode (`npm start -- --auth jwt`). */
  readonly oidcIssuer?: string;
  /** The local account's credentials: the CLI signs API requests with them. */
  readonly credentials?: LocalCredentials;
}

/** The identity the local cloud accepts (local/local-credentials.ts writes it). */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The local.json a command reads: found, missing (no local stack has run), or unreadable. */
export type LocalConfigFile =
  | { readonly status: 'found'; readonly path: string; readonly config: LocalConfig }
  | { readonly status: 'missing'; readonly path: string }
  | { readonly status: 'unreadable'; readonly path: string; readonly reason: string };

/** The state directory `npm start` uses by default (local/start.ts): the project's .hive-journal/. */
export const DEFAULT_STATE_DIR = fileURLToPath(new URL('../../.hive-journal/', import.meta.url));

/** Reads <stateDir>/local.json; a problem is reported, not thrown, as only some commands need it. */
export async function readLocalConfig(stateDir: string): Promise<LocalConfigFile> {
  const path = join(stateDir, 'local.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', path };
    return { status: 'unreadable', path, reason: (error as Error).message };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { status: 'unreadable', path, reason: 'not a JSON object' };
    }
    const config = Object.fromEntries(
      Object.entries(parsed).filter(([, value]) => typeof value === 'string' && value !== ''),
    ) as LocalConfig;
    const credentials = credentialsOf((parsed as { credentials?: unknown }).credentials);
    return { status: 'found', path, config: credentials ? { ...config, credentials } : config };
  } catch (error) {
    return { status: 'unreadable', path, reason: (error as Error).message };
  }
}

function credentialsOf(value: unknown): LocalCredentials | undefined {
  const { accessKeyId, secretAccessKey } = (value ?? {}) as Partial<Record<keyof LocalCredentials, unknown>>;
  return typeof accessKeyId === 'string' &&
    typeof secretAccessKey === 'string' &&
    accessKeyId &&
    secretAccessKey
    ? { accessKeyId, secretAccessKey }
    : undefined;
}
