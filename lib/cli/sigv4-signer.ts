import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** The headers that sign a request for API Gateway's AWS_IAM authorisation (SigV4). */
export type RequestSigner = (
  url: URL,
  init: { method: string; body?: string },
) => Promise<Record<string, string>>;

/** SHA-256 (or its HMAC, given a secret) from node:crypto, in the shape SignatureV4 hashes with. */
export class Sha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash =
      secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret) as Uint8Array);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBytes(data) as Uint8Array);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array | string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** Credentials, or a provider of them, as SignatureV4 takes them. */
export type SigningCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/**
 * A signer for `execute-api` in `region`, with the SDK's default credential chain unless given
 * credentials; the chain is asked once, on the first request.
 */
export function createSigV4Signer(
  region: string,
  credentials: SigningCredentials = defaultProvider(),
): RequestSigner {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: Sha256 });
  return async (url, init) => {
    const signed = await signer.sign({
      method: init.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      // A repeated parameter is signed with all its values, as the server canonicalises it.
      query: queryOf(url.searchParams),
      headers: { host: url.host },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    // fetch sends host from the URL, the value signed.
    const { host: _host, ...headers } = signed.headers as Record<string, string>;
    return headers;
  };
}

function queryOf(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}
