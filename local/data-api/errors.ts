/**
 * The RDS Data API's error types as the SDK v3 client deserializes them: the type travels in the
 * `x-amzn-errortype` header, the HTTP status is the one the service model declares for the type
 * (node_modules/@aws-sdk/client-rds-data/dist-cjs/index.js, `[_hE]`). `ValidationException` is not in
 * the model but is what the service sends for multistatements and the `schema` parameter
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.differences.html); the SDK
 * surfaces it as an RDSDataServiceException named ValidationException.
 */
const STATUS_BY_TYPE = {
  AccessDeniedException: 403,
  BadRequestException: 400,
  DatabaseErrorException: 400,
  DatabaseNotFoundException: 404,
  DatabaseResumingException: 400,
  DatabaseUnavailableException: 504,
  ForbiddenException: 403,
  HttpEndpointNotEnabledException: 400,
  InternalServerErrorException: 500,
  NotFoundException: 404,
  SecretsErrorException: 400,
  ServiceUnavailableError: 503,
  StatementTimeoutException: 400,
  TransactionNotFoundException: 404,
  UnsupportedResultException: 400,
  ValidationException: 400,
} as const;

export type DataApiErrorType = keyof typeof STATUS_BY_TYPE;

/** An error the local endpoint answers with, in the service's wire shape. */
export class DataApiServiceError extends Error {
  readonly type: DataApiErrorType;
  readonly status: number;
  /** Extra members of the error structure, e.g. `dbConnectionId` of StatementTimeoutException. */
  readonly members: Readonly<Record<string, unknown>>;

  constructor(
    type: DataApiErrorType,
    message: string,
    members: Readonly<Record<string, unknown>> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = type;
    this.type = type;
    this.status = STATUS_BY_TYPE[type];
    this.members = members;
  }
}

export const badRequest = (message: string) => new DataApiServiceError('BadRequestException', message);

/**
 * The message AWS sends, as observed: "The Aurora DB instance <arn> is resuming after being
 * auto-paused. Please wait a few seconds and try again" (quoted in
 * https://github.com/aws-samples/bedrock-chat/pull/858). AWS names the paused writer instance; the
 * local cloud has no instance of its own, so the cluster ARN stands in.
 */
export const databaseResuming = (resourceArn: string) =>
  new DataApiServiceError(
    'DatabaseResumingException',
    `The Aurora DB instance ${resourceArn} is resuming after being auto-paused. Please wait a few seconds and try again.`,
  );
