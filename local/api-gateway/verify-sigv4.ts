import { timingSafeEqual } from 'node:crypto';
import { ALGORITHM_IDENTIFIER, getCanonicalHeaders, getPayloadHash, SignatureV4 } from '@smithy/signature-v4';
import type { HeaderBag, HttpRequest } from '@smithy/types';
import { Sha256 } from '../../lib/cli/sigv4-signer.ts';
import { gatewayErrors } from './gateway-error.ts';
import { headerValue, type IncomingApiRequest, queryParameters } from './incoming-request.ts';
import type { IamCaller } from './request-identity.ts';
import { formatLongDate, readSigV4Elements, type SigV4Elements } from './sigv4-elements.ts';

const SERVICE = 'execute-api';
/** How far X-Amz-Date may be from the gateway's clock, either way. */
const MAX_SKEW_MS = 5 * 60 * 1000;

/** Checks the SigV4 signature of an AWS_IAM method's request; resolves to who signed it. */
export type SigV4Verifier = (request: IncomingApiRequest, now: number) => Promise<IamCaller>;

/**
 * A verifier for requests signed with the local credentials, which answers as API Gateway does
 * ("Signature Version 4 signing process", and the error bodies API Gateway returns for IAM methods):
 * no signature at all is Missing Authentication Token; an unknown access key or session token is
 * UnrecognizedClientException; a credential scoped to another service, region or date, a date more
 * than 5 minutes from now, or a signature that does not match is InvalidSignatureException. The
 * request is rebuilt with exactly its signed headers and the body it carried and signed again with
 * @smithy/signature-v4 at its own date, so a body changed after signing no longer matches.
 */
export function createSigV4Verifier(options: {
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  region: string;
  accountId: string;
}): SigV4Verifier {
  const signer = new ResigningSignatureV4({
    service: SERVICE,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  return async (request, now) => {
    const elements = readSigV4Elements(request);
    if (elements === null) throw gatewayErrors.missingAuthenticationToken();
    checkScope(elements, options.credentials.accessKeyId, options.region);
    checkClock(elements, now);
    const signable = signableRequest(request, elements);
    const payloadHash = await getPayloadHash({ ...signable, headers: {} }, Sha256);
    const canonicalHeaders = getCanonicalHeaders(signable, undefined, new Set(elements.signedHeaders));
    const expected = await signer.expected(signable, canonicalHeaders, payloadHash, elements);
    if (!sameSignature(expected.signature, elements.signature)) {
      throw gatewayErrors.invalidSignature(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
          `\n\nThe Canonical String for this request should have been\n'${expected.canonicalRequest}'` +
          `\n\nThe String-to-Sign should have been\n'${expected.stringToSign}'\n`,
      );
    }
    return { accessKeyId: elements.accessKeyId, accountId: options.accountId };
  };
}

/** SignatureV4 opened up to give the canonical request and string to sign it signs with. */
class ResigningSignatureV4 extends SignatureV4 {
  async expected(
    request: HttpRequest,
    canonicalHeaders: HeaderBag,
    payloadHash: string,
    elements: SigV4Elements,
  ) {
    const scope = `${elements.scopeDate}/${elements.scopeRegion}/${elements.scopeService}/${elements.scopeTerminator}`;
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(
      elements.longDate,
      scope,
      canonicalRequest,
      ALGORITHM_IDENTIFIER,
    );
    const signature = await this.sign(stringToSign, {
      signingDate: elements.signedAt,
      signingRegion: elements.scopeRegion,
      signingService: elements.scopeService,
    });
    return { canonicalRequest, stringToSign, signature };
  }
}

function checkScope(elements: SigV4Elements, accessKeyId: string, region: string): void {
  if (elements.accessKeyId !== accessKeyId) throw gatewayErrors.unrecognizedClient();
  if (elements.scopeTerminator !== 'aws4_request') {
    throw gatewayErrors.invalidSignature(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${elements.scopeTerminator}'. `,
    );
  }
  if (elements.scopeService !== SERVICE) {
    throw gatewayErrors.invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'. `);
  }
  if (elements.scopeRegion !== region) {
    throw gatewayErrors.invalidSignature(
      `Credential should be scoped to a valid region, not '${elements.scopeRegion}'. `,
    );
  }
  const signedDay = elements.longDate.slice(0, 8);
  if (elements.scopeDate !== signedDay) {
    throw gatewayErrors.invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${elements.scopeDate}' != '${signedDay}', from '${elements.longDate}'.`,
    );
  }
  // The local credentials are long-term keys: no session token belongs to them.
  if (elements.securityToken !== undefined) throw gatewayErrors.unrecognizedClient();
}

function checkClock(elements: SigV4Elements, now: number): void {
  const signed = elements.signedAt.getTime();
  const at = (ms: number) => formatLongDate(new Date(ms));
  const validForMs = elements.expiresSeconds === null ? MAX_SKEW_MS : elements.expiresSeconds * 1000;
  const window = elements.expiresSeconds === null ? '5 min.' : `${elements.expiresSeconds} sec.`;
  if (signed < now - validForMs) {
    throw gatewayErrors.invalidSignature(
      `Signature expired: ${elements.longDate} is now earlier than ${at(now - validForMs)} (${at(now)} - ${window})`,
    );
  }
  if (signed > now + MAX_SKEW_MS) {
    throw gatewayErrors.invalidSignature(
      `Signature not yet current: ${elements.longDate} is still later than ${at(now + MAX_SKEW_MS)} (${at(now)} + 5 min.)`,
    );
  }
}

// The request as the client signed it: method, path as sent (the signer escapes it again, as SigV4
// asks of every service but S3), decoded query, exactly the signed headers, and the body received.
function signableRequest(request: IncomingApiRequest, elements: SigV4Elements): HttpRequest {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of queryParameters(request)) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const headers: Record<string, string> = {};
  for (const name of elements.signedHeaders) {
    const value = headerValue(request, name);
    if (value !== undefined) headers[name] = value;
  }
  return {
    method: request.method,
    protocol: 'http:',
    hostname: headers.host ?? '',
    path: request.rawPath,
    query,
    headers,
    body: request.body,
  };
}

function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
