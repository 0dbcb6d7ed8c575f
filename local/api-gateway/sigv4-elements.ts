import { gatewayErrors } from './gateway-error.ts';
import { headerValue, type IncomingApiRequest, queryParameters } from './incoming-request.ts';

/** The parts of a Signature Version 4 request: from its Authorization header, or a presigned URL. */
export interface SigV4Elements {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly scopeRegion: string;
  readonly scopeService: string;
  readonly scopeTerminator: string;
  /** Lower case, as listed. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** `20240101T000000Z`. */
  readonly longDate: string;
  readonly signedAt: Date;
  /** X-Amz-Expires of a presigned URL, in seconds; null for a signed header. */
  readonly expiresSeconds: number | null;
  readonly securityToken: string | undefined;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const PRESIGNED_PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
];

/**
 * Reads the SigV4 elements of a request; null when it carries no authentication at all (API Gateway
 * then answers Missing Authentication Token). An incomplete signature is a 403
 * IncompleteSignatureException with the message API Gateway gives.
 */
export function readSigV4Elements(request: IncomingApiRequest): SigV4Elements | null {
  const authorization = headerValue(request, 'authorization');
  if (authorization !== undefined) return fromHeader(request, authorization);
  const query = new Map(queryParameters(request));
  if (query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature')) return fromQuery(query);
  return null;
}

function fromHeader(request: IncomingApiRequest, authorization: string): SigV4Elements {
  const parameters = new Map<string, string>();
  if (authorization.startsWith(`${ALGORITHM} `)) {
    for (const pair of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const trimmed = pair.trim();
      const equals = trimmed.indexOf('=');
      if (equals === -1) {
        throw gatewayErrors.incompleteSignature(
          `'${trimmed}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
        );
      }
      parameters.set(trimmed.slice(0, equals), trimmed.slice(equals + 1));
    }
  }
  const amzDate = headerValue(request, 'x-amz-date');
  const httpDate = headerValue(request, 'date');
  const missing = [
    ...['Credential', 'Signature', 'SignedHeaders']
      .filter((name) => !parameters.get(name))
      .map((name) => `Authorization header requires '${name}' parameter.`),
    ...(amzDate === undefined && httpDate === undefined
      ? ["Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."]
      : []),
  ];
  if (missing.length > 0)
    throw gatewayErrors.incompleteSignature(`${missing.join(' ')} Authorization=${authorization}`);
  return elements(
    parameters.get('Credential') as string,
    parameters.get('SignedHeaders') as string,
    parameters.get('Signature') as string,
    amzDate === undefined ? fromHttpDate(httpDate as string) : amzDate,
    null,
    headerValue(request, 'x-amz-security-token'),
  );
}

function fromQuery(query: ReadonlyMap<string, string>): SigV4Elements {
  if (PRESIGNED_PARAMETERS.some((name) => !query.get(name))) {
    throw gatewayErrors.incompleteSignature(
      `AWS query-string parameters must include ${PRESIGNED_PARAMETERS.map((name) => `'${name}'`).join(', ')}. Re-examine the query-string parameters.`,
    );
  }
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
    throw gatewayErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${query.get('X-Amz-Algorithm')}'`);
  }
  const expires = Number(query.get('X-Amz-Expires') ?? 604_800);
  if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) {
    throw gatewayErrors.incompleteSignature('X-Amz-Expires must be an integer of 1 to 604800 seconds');
  }
  return elements(
    query.get('X-Amz-Credential') as string,
    query.get('X-Amz-SignedHeaders') as string,
    query.get('X-Amz-Signature') as string,
    query.get('X-Amz-Date') as string,
    expires,
    query.get('X-Amz-Security-Token'),
  );
}

function elements(
  credential: string,
  signedHeaders: string,
  signature: string,
  longDate: string,
  expiresSeconds: number | null,
  securityToken: string | undefined,
): SigV4Elements {
  const scope = credential.split('/');
  if (scope.length !== 5) {
    throw gatewayErrors.incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerminator] = scope as [
    string,
    string,
    string,
    string,
    string,
  ];
  const signedAt = parseLongDate(longDate);
  if (signedAt === null) {
    throw gatewayErrors.incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${longDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const headers = signedHeaders.split(';').map((name) => name.trim().toLowerCase());
  if (!headers.includes('host')) {
    throw gatewayErrors.incompleteSignature(
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  return {
    accessKeyId,
    scopeDate,
    scopeRegion,
    scopeService,
    scopeTerminator,
    signedHeaders: headers,
    signature,
    longDate,
    signedAt,
    expiresSeconds,
    securityToken,
  };
}

function parseLongDate(longDate: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(longDate);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const date = new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? null : date;
}

function fromHttpDate(httpDate: string): string {
  const date = new Date(httpDate);
  return Number.isNaN(date.getTime()) ? httpDate : formatLongDate(date);
}

/** `20240101T000000Z`, the X-Amz-Date form of a time. */
export function formatLongDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
