import type { FunctionErrorPayload } from '../invoke-outcome.ts';

/**
 * An error as the Node.js runtime reports it (aws-lambda-nodejs-runtime-interface-client,
 * src/utils/error.ts formatError): name, message and the stack split into `trace`; a thrown
 * non-Error becomes its typeof and String().
 */
export function formatError(error: unknown): FunctionErrorPayload {
  try {
    if (error instanceof Error) {
      return {
        errorType: error.name.replaceAll('\x7F', '%7F'),
        errorMessage: error.message.replaceAll('\x7F', '%7F'),
        trace: error.stack?.replaceAll('\x7F', '%7F').split('\n') ?? [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    // A getter that throws, or an object String() cannot convert: the runtime's own fallback.
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}
