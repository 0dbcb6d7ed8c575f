import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The one identity of the local account: what clients sign with and the local services accept. */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * The state directory's credentials, made on its first start (an access key id in AWS's shape and a
 * random secret) and kept, so a client configured once keeps working across restarts.
 */
export async function localCredentials(stateDir: string): Promise<LocalCredentials> {
  const path = join(stateDir, 'credentials.json');
  const kept = await readFile(path, 'utf8').then(
    (text) => JSON.parse(text) as LocalCredentials,
    () => undefined,
  );
  if (kept?.accessKeyId && kept.secretAccessKey) return kept;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const credentials: LocalCredentials = {
    accessKeyId: `AKIA${Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('')}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  await writeFile(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
