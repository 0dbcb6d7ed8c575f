/** Who caused the error, as the second half of the `x-amzn-query-error` header says. */
export type SqsFault = 'Sender' | 'Receiver';

export interface SqsErrorShape {
  /** Smithy shape name; the body's `__type` is `com.amazonaws.sqs#<type>`. */
  readonly type: string;
  /** Legacy query-protocol code sent in `x-amzn-query-error`, which the SDK prefers. */
  readonly queryCode: string;
  readonly status: number;
  readonly fault: SqsFault;
}

/**
 * An error the endpoint answers with. Its wire form follows "Interpreting Amazon SQS JSON API responses"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html):
 * status, `x-amzn-query-error: <code>;<Sender|Receiver>` and `{"__type": ..., "message": ...}`.
 * Codes and statuses are those of the SQS model shipped in @aws-sdk/client-sqs (awsQueryError traits).
 */
export class SqsError extends Error {
  readonly shape: SqsErrorShape;

  constructor(shape: SqsErrorShape, message: string) {
    super(message);
    this.name = 'SqsError';
    this.shape = shape;
  }

  get wireType(): string {
    return `com.amazonaws.sqs#${this.shape.type}`;
  }

  get queryErrorHeader(): string {
    return `${this.shape.queryCode};${this.shape.fault}`;
  }
}

function shape(type: string, queryCode: string, status: number, fault: SqsFault = 'Sender'): SqsErrorShape {
  return { type, queryCode, status, fault };
}

const SHAPES = {
  queueDoesNotExist: shape('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 400),
  queueNameExists: shape('QueueNameExists', 'QueueAlreadyExists', 400),
  queueDeletedRecently: shape('QueueDeletedRecently', 'AWS.SimpleQueueService.QueueDeletedRecently', 400),
  purgeQueueInProgress: shape('PurgeQueueInProgress', 'AWS.SimpleQueueService.PurgeQueueInProgress', 403),
  invalidAddress: shape('InvalidAddress', 'InvalidAddress', 404),
  // Not modelled as shapes: the SDK surfaces them by their query code.
  invalidParameterValue: shape('InvalidParameterValueException', 'InvalidParameterValue', 400),
  missingParameter: shape('MissingParameterException', 'MissingParameter', 400),
  invalidAttributeName: shape('InvalidAttributeName', 'InvalidAttributeName', 400),
  invalidAttributeValue: shape('InvalidAttributeValue', 'InvalidAttributeValue', 400),
  invalidMessageContents: shape('InvalidMessageContents', 'InvalidMessageContents', 400),
  emptyBatchRequest: shape('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 400),
  tooManyEntries: shape(
    'TooManyEntriesInBatchRequest',
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    400,
  ),
  batchEntryIdsNotDistinct: shape(
    'BatchEntryIdsNotDistinct',
    'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    400,
  ),
  invalidBatchEntryId: shape('InvalidBatchEntryId', 'AWS.SimpleQueueService.InvalidBatchEntryId', 400),
  batchRequestTooLong: shape('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', 400),
  receiptHandleIsInvalid: shape('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', 404),
  resourceNotFound: shape('ResourceNotFoundException', 'ResourceNotFoundException', 404),
  unsupportedOperation: shape('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 400),
  requestThrottled: shape('RequestThrottled', 'RequestThrottled', 403),
  internalError: shape('InternalError', 'InternalError', 500, 'Receiver'),
  serviceUnavailable: shape('ServiceUnavailable', 'ServiceUnavailable', 503, 'Receiver'),
  unknownOperation: shape('UnknownOperationException', 'UnknownOperationException', 400),
  serialization: shape('SerializationException', 'SerializationException', 400),
} satisfies Record<string, SqsErrorShape>;

/** The kinds of failure tests can inject; each is answered exactly as SQS would. */
export type InjectableFailure = 'RequestThrottled' | 'InternalError' | 'ServiceUnavailable';

/** Factories for every error the endpoint sends, with AWS's wording where it is known. */
export const sqsErrors = {
  queueDoesNotExist: () => new SqsError(SHAPES.queueDoesNotExist, 'The specified queue does not exist.'),
  queueNameExists: (name: string) =>
    new SqsError(
      SHAPES.queueNameExists,
      `A queue already exists with the same name and a different value for attribute(s) of ${name}.`,
    ),
  queueDeletedRecently: () =>
    new SqsError(
      SHAPES.queueDeletedRecently,
      'You must wait 60 seconds after deleting a queue before you can create another queue with the same name.',
    ),
  purgeQueueInProgress: (url: string) =>
    new SqsError(
      SHAPES.purgeQueueInProgress,
      `Only one PurgeQueue operation on ${url} is allowed every 60 seconds.`,
    ),
  invalidAddress: (url: string) => new SqsError(SHAPES.invalidAddress, `The address ${url} is not valid.`),
  invalidParameterValue: (message: string) => new SqsError(SHAPES.invalidParameterValue, message),
  invalidParameter: (name: string, value: unknown, reason: string) =>
    new SqsError(
      SHAPES.invalidParameterValue,
      `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
    ),
  missingParameter: (name: string) =>
    new SqsError(SHAPES.missingParameter, `The request must contain the parameter ${name}.`),
  invalidAttributeName: (name: string) =>
    new SqsError(SHAPES.invalidAttributeName, `Unknown Attribute ${name}.`),
  invalidAttributeValue: (name: string, reason?: string) =>
    new SqsError(
      SHAPES.invalidAttributeValue,
      reason
        ? `Value for parameter ${name} is invalid. Reason: ${reason}`
        : `Invalid value for the parameter ${name}.`,
    ),
  invalidMessageContents: (message: string) => new SqsError(SHAPES.invalidMessageContents, message),
  emptyBatchRequest: (entryShape: string) =>
    new SqsError(SHAPES.emptyBatchRequest, `There should be at least one ${entryShape} in the request.`),
  tooManyEntriesInBatchRequest: (count: number) =>
    new SqsError(
      SHAPES.tooManyEntries,
      `Maximum number of entries per request are 10. You have sent ${count}.`,
    ),
  batchEntryIdsNotDistinct: (id: string) =>
    new SqsError(SHAPES.batchEntryIdsNotDistinct, `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    new SqsError(
      SHAPES.invalidBatchEntryId,
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchRequestTooLong: (limit: number, size: number) =>
    new SqsError(
      SHAPES.batchRequestTooLong,
      `Batch requests cannot be longer than ${limit} bytes. You have sent ${size} bytes.`,
    ),
  receiptHandleIsInvalid: (handle: string) =>
    new SqsError(
      SHAPES.receiptHandleIsInvalid,
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    ),
  resourceNotFound: (message: string) => new SqsError(SHAPES.resourceNotFound, message),
  unsupportedOperation: (message: string) => new SqsError(SHAPES.unsupportedOperation, message),
  unknownOperation: (target: string) =>
    new SqsError(SHAPES.unknownOperation, `The operation ${target} is not supported by this endpoint.`),
  serialization: (message: string) => new SqsError(SHAPES.serialization, message),
  injected: (failure: InjectableFailure) => {
    switch (failure) {
      case 'RequestThrottled':
        return new SqsError(SHAPES.requestThrottled, 'Rate exceeded');
      case 'InternalError':
        return new SqsError(SHAPES.internalError, 'We encountered an internal error. Please try again.');
      case 'ServiceUnavailable':
        return new SqsError(SHAPES.serviceUnavailable, 'Service is unavailable. Please try again.');
    }
  },
};
