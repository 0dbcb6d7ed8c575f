import { readFile } from 'node:fs/promises';
import * as z from 'zod';

/** Where the local issuer listens and whom its tokens are for. */
export interface LocalOidcIssuerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 or absent: any free port. */
  readonly port?: number;
  /** The `aud` of the tokens it mints (the API's JOURNAL_JWT_AUDIENCE). */
  readonly audience: string;
  /** A path the issuer URL ends in, e.g. `/realms/hive` (as Keycloak's do); default: none. */
  readonly issuerPath?: string;
}

const Options = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  audience: z.string().min(1),
  issuerPath: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'must be a path like /realms/hive (no trailing slash)')
    .optional(),
});

/**
 * Checks issuer options (e.g. from a JSON file). Only these four fields are taken: the signing key
 * is generated at each start and held in memory only, so no option can name one.
 */
export function parseLocalOidcIssuerOptions(value: unknown): LocalOidcIssuerOptions {
  const parsed = Options.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RangeError(`local OIDC issuer options: ${z.prettifyError(parsed.error)}`);
}

/** Reads issuer options from a JSON file, e.g. `{"audience": "hive-journal", "port": 4600}`. */
export async function readLocalOidcIssuerOptions(path: string): Promise<LocalOidcIssuerOptions> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new RangeError(`local OIDC issuer options: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseLocalOidcIssuerOptions(value);
}
