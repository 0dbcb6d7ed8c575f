import { resolve } from 'node:path';
import type { CliIo } from './cli-io.ts';
import { createJournalApi, type JournalApi } from './journal-api.ts';
import { DEFAULT_STATE_DIR, readLocalConfig } from './local-config.ts';
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
  const stateDir = resolve(io.cwd, flags['state-dir'] ?? io.env.HIVE_JOURNAL_STATE_DIR ?? DEFAULT_STATE_DIR);
  return resolveEndpoints(flags, io.env, await readLocalConfig(stateDir));
}

/** The journal API of the endpoints, signing requests with SigV4 when its authorisation is IAM. */
export function commandJournalApi(endpoints: CliEndpoints): JournalApi {
  const apiUrl = requireApiUrl(endpoints);
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
