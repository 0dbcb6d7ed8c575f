import { resolve } from 'node:path';
import type { CliIo } from './cli-io.ts';
import { createJournalApi, type JournalApi } from './journal-api.ts';
import { DEFAULT_STATE_DIR, type LocalConfigFile, readLocalConfig } from './local-config.ts';
import {
  type CliEndpoints,
  type EndpointFlags,
  requireApiUrl,
  resolveEndpoints,
} from './resolve-endpoints.ts';
import { createSigV4Signer } from './sigv4-signer.ts';

/** The endpoints of a command: its flags, else the environment, else the local stack's local.json. */
export async function commandEndpoints(
  flags: EndpointFlags & { readonly 'state-dir'?: string },
  io: Pick<CliIo, 'env' | 'cwd'>,
): Promise<CliEndpoints> {
  return resolveEndpoints(flags, io.env, await commandLocalConfig(flags, io));
}

/** The local.json of a command's state directory: --state-dir, else HIVE_JOURNAL_STATE_DIR, else the default. */
export async function commandLocalConfig(
  flags: { readonly 'state-dir'?: string },
  io: Pick<CliIo, 'env' | 'cwd'>,
): Promise<LocalConfigFile> {
  return readLocalConfig(
    resolve(io.cwd, flags['state-dir'] ?? io.env.HIVE_JOURNAL_STATE_DIR ?? DEFAULT_STATE_DIR),
  );
}

/**
 * The journal API of the endpoints: requests carry the bearer token when its authorisation is
 * bearer, and are signed with SigV4 when it is IAM.
 */
export function commandJournalApi(endpoints: CliEndpoints): JournalApi {
  const apiUrl = requireApiUrl(endpoints);
  const { bearerToken } = endpoints;
  if (endpoints.apiAuth === 'bearer' && bearerToken !== undefined) {
    return createJournalApi(apiUrl, { sign: async () => ({ authorization: `Bearer ${bearerToken}` }) });
  }
  return createJournalApi(
    apiUrl,
    endpoints.apiAuth === 'iam'
      ? {
          sign: endpoints.localCredentials
            ? createSigV4Signer(endpoints.region, endpoints.localCredentials)
            : createSigV4Signer(endpoints.region),
        }
      : {},
  );
}
