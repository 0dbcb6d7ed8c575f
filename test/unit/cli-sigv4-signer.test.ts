import { createHash, createHmac } from 'node:crypto';
import { expect, test } from 'vitest';
import { createSigV4Signer } from '../../lib/cli/sigv4-signer.ts';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Checks a SigV4 signature the way the service does: rebuilt from the request and the secret. */
function expectedSignature(url: URL, headers: Record<string, string>): string {
  const match =
    /Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=/.exec(
      headers.authorization ?? '',
    );
  const [, day = '', region = '', service = '', signedHeaderList = ''] = match ?? [];
  const signedHeaders = signedHeaderList.split(';');
  const value = (name: string) => (name === 'host' ? url.host : (headers[name] ?? ''));
  const query = [...url.searchParams]
    .map(([name, text]) => `${encodeURIComponent(name)}=${encodeURIComponent(text)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    'GET',
    url.pathname,
    query,
    ...signedHeaders.map((name) => `${name}:${value(name)}`),
    '',
    signedHeaderList,
    headers['x-amz-content-sha256'] ?? sha256(''),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', headers['x-amz-date'], scope, sha256(canonicalRequest)].join(
    '\n',
  );
  const key = ['aws4_request', service, region, day].reduceRight<Buffer>(
    (signingKey, part) => hmac(signingKey, part),
    Buffer.from(`AWS4${CREDENTIALS.secretAccessKey}`),
  );
  return hmac(key, stringToSign).toString('hex');
}

test('signs an API request for execute-api in the region, with a signature the service can verify', async () => {
  const url = new URL(
    'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/api/journal/hive/page?limit=20&since=15m',
  );

  const headers = await createSigV4Signer('eu-west-1', CREDENTIALS)(url, { method: 'GET' });

  expect(headers.authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;/,
  );
  expect(headers.authorization?.endsWith(`Signature=${expectedSignature(url, headers)}`)).toBe(true);
});
