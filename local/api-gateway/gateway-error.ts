import type { GatewayResponseType } from './gateway-response-type.ts';

/**
 * A request API Gateway answers itself, with one of its gateway responses. `message` is what
 * `$context.error.message` holds; `defaultBody` is the body API Gateway sends when the template does
 * not customise that response; `errorType` goes out as x-amzn-ErrorType.
 */
export class GatewayError extends Error {
  /** null for answers given before a stage is known, which no gateway response customises. */
  readonly responseType: GatewayResponseType | null;
  readonly statusCode: number;
  readonly errorMessage: string | null;
  readonly defaultBody: string;
  readonly errorType: string | undefined;
  /** What the execution log says, when it says more than the response. */
  readonly logLine: string | undefined;

  constructor(
    responseType: GatewayResponseType | null,
    statusCode: number,
    errorMessage: string | null,
    defaultBody: string,
    errorType: string | undefined,
    logLine?: string,
  ) {
    super(errorMessage ?? responseType ?? 'gateway error');
    this.name = 'GatewayError';
    this.responseType = responseType;
    this.statusCode = statusCode;
    this.errorMessage = errorMessage;
    this.defaultBody = defaultBody;
    this.errorType = errorType;
    this.logLine = logLine;
  }
}

const body = (message: string | null, key = 'message') => JSON.stringify({ [key]: message });
// The integration errors come with a space after the colon, unlike the other default bodies.
const spacedBody = (message: string) => `{"message": ${JSON.stringify(message)}}`;

/** The answers API Gateway gives itself, with the statuses, bodies and x-amzn-ErrorType it uses. */
export const gatewayErrors = {
  /** No resource or method matches ("Missing Authentication Token" also for an unsigned IAM call). */
  missingAuthenticationToken: () =>
    new GatewayError(
      'MISSING_AUTHENTICATION_TOKEN',
      403,
      'Missing Authentication Token',
      body('Missing Authentication Token'),
      'MissingAuthenticationTokenException',
    ),
  /** A path outside every stage of the API. */
  forbidden: () => new GatewayError(null, 403, 'Forbidden', body('Forbidden'), 'ForbiddenException'),
  incompleteSignature: (message: string) =>
    new GatewayError('DEFAULT_4XX', 403, message, body(message), 'IncompleteSignatureException'),
  invalidSignature: (message: string) =>
    new GatewayError('INVALID_SIGNATURE', 403, message, body(message), 'InvalidSignatureException'),
  unrecognizedClient: () => {
    const message = 'The security token included in the request is invalid.';
    return new GatewayError('DEFAULT_4XX', 403, message, body(message), 'UnrecognizedClientException');
  },
  unauthorized: (logLine?: string) =>
    new GatewayError(
      'UNAUTHORIZED',
      401,
      'Unauthorized',
      body('Unauthorized'),
      'UnauthorizedException',
      logLine,
    ),
  /**
   * A Cognito user pool token past its `exp`: still the UNAUTHORIZED response (401), with the message
   * clients see from API Gateway, `{"message":"The incoming token has expired"}`.
   */
  tokenExpired: (logLine?: string) =>
    new GatewayError(
      'UNAUTHORIZED',
      401,
      'The incoming token has expired',
      body('The incoming token has expired'),
      'UnauthorizedException',
      logLine,
    ),
  /** A Lambda authorizer's policy denies, explicitly or by not allowing; the body says `Message`. */
  accessDenied: (explicit: boolean) => {
    const message = `User is not authorized to access this resource${explicit ? ' with an explicit deny' : ''}`;
    return new GatewayError('ACCESS_DENIED', 403, message, body(message, 'Message'), 'AccessDeniedException');
  },
  authorizerFailure: (logLine: string) =>
    new GatewayError(
      'AUTHORIZER_FAILURE',
      500,
      null,
      body(null),
      'AuthorizerConfigurationException',
      logLine,
    ),
  authorizerConfiguration: (logLine: string) =>
    new GatewayError(
      'AUTHORIZER_CONFIGURATION_ERROR',
      500,
      null,
      body(null),
      'AuthorizerConfigurationException',
      logLine,
    ),
  throttled: () =>
    new GatewayError(
      'THROTTLED',
      429,
      'Too Many Requests',
      body('Too Many Requests'),
      'TooManyRequestsException',
    ),
  requestTooLarge: () =>
    new GatewayError('REQUEST_TOO_LARGE', 413, 'Request Too Long', body('Request Too Long'), undefined),
  /** The function failed or answered something that is not a proxy result. */
  integrationFailure: (logLine: string) =>
    new GatewayError(
      'DEFAULT_5XX',
      502,
      'Internal server error',
      spacedBody('Internal server error'),
      'InternalServerErrorException',
      logLine,
    ),
  integrationTimeout: () =>
    new GatewayError(
      'INTEGRATION_TIMEOUT',
      504,
      'Endpoint request timed out',
      spacedBody('Endpoint request timed out'),
      undefined,
      'Execution failed due to a timeout error',
    ),
  configurationError: (logLine: string) =>
    new GatewayError(
      'API_CONFIGURATION_ERROR',
      500,
      'Internal server error',
      spacedBody('Internal server error'),
      'InternalServerErrorException',
      logLine,
    ),
};
