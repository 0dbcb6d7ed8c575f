// The Node.js runtime's own error types (aws-lambda-nodejs-runtime-interface-client, src/utils/errors.ts):
// their `name` is the errorType Lambda reports.

/** The handler file is missing, or a CommonJS require inside it found nothing (code MODULE_NOT_FOUND). */
export class ImportModuleError extends Error {
  constructor(cause: Error) {
    super(String(cause));
    this.name = 'Runtime.ImportModuleError';
  }
}

/** The module loaded but does not export the handler, or exports something that is not a function. */
export class HandlerNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Runtime.HandlerNotFound';
  }
}

/** The Handler setting is not `file.export` (or climbs out of the task root). */
export class MalformedHandlerNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Runtime.MalformedHandlerName';
  }
}

/** The handler file does not parse. */
export class UserCodeSyntaxError extends Error {
  constructor(cause: Error) {
    super(String(cause));
    this.name = 'Runtime.UserCodeSyntaxError';
    if (cause.stack) this.stack = cause.stack;
  }
}

/** nodejs24.x refuses `(event, context, callback)` handlers at init. */
export class CallbackHandlerDeprecatedError extends Error {
  constructor() {
    super(
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
    );
    this.name = 'Runtime.CallbackHandlerDeprecated';
  }
}

/** The handler's result cannot be turned into JSON (a cycle, a BigInt). */
export class JSONStringifyError extends Error {
  constructor() {
    super('Unable to stringify response body');
    this.name = 'Runtime.JSONStringifyError';
  }
}

/** A promise rejected with nobody handling it: the runtime reports it and exits (status 128). */
export class UnhandledPromiseRejectionError extends Error {
  constructor(reason: unknown) {
    super(String(reason));
    this.name = 'Runtime.UnhandledPromiseRejection';
  }
}
