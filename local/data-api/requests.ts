import * as z from 'zod';
import { badRequest, DataApiServiceError } from './errors.ts';

/**
 * Request bodies of the operations the local endpoint serves, as the SDK's REST-JSON protocol
 * sends them (members named as in the service model). `longValue` arrives as its exact source
 * text (see `parseRequestBody`) so 64-bit integers keep every digit.
 */
const field = z.object({
  isNull: z.boolean().optional(),
  booleanValue: z.boolean().optional(),
  longValue: z
    .string()
    .regex(/^-?\d+$/, 'longValue must be an integer')
    .optional(),
  doubleValue: z.number().optional(),
  stringValue: z.string().optional(),
  blobValue: z.string().optional(),
  arrayValue: z.unknown().optional(),
});

const sqlParameter = z.object({
  name: z.string().optional(),
  value: field.optional(),
  typeHint: z.enum(['JSON', 'UUID', 'TIMESTAMP', 'DATE', 'TIME', 'DECIMAL']).optional(),
});

const target = {
  resourceArn: z.string(),
  secretArn: z.string(),
  database: z.string().optional(),
  schema: z.string().optional(),
};

export const executeStatementRequest = z.object({
  ...target,
  sql: z.string(),
  parameters: z.array(sqlParameter).optional(),
  transactionId: z.string().optional(),
  includeResultMetadata: z.boolean().optional(),
  continueAfterTimeout: z.boolean().optional(),
  resultSetOptions: z
    .object({
      decimalReturnType: z.enum(['STRING', 'DOUBLE_OR_LONG']).optional(),
      longReturnType: z.enum(['LONG', 'STRING']).optional(),
    })
    .optional(),
  formatRecordsAs: z.enum(['NONE', 'JSON']).optional(),
});

export const batchExecuteStatementRequest = z.object({
  ...target,
  sql: z.string(),
  parameterSets: z.array(z.array(sqlParameter)).optional(),
  transactionId: z.string().optional(),
});

export const beginTransactionRequest = z.object(target);

export const endTransactionRequest = z.object({
  resourceArn: z.string(),
  secretArn: z.string(),
  transactionId: z.string(),
});

export type SqlParameterInput = z.infer<typeof sqlParameter>;
export type ExecuteStatementRequest = z.infer<typeof executeStatementRequest>;
export type BatchExecuteStatementRequest = z.infer<typeof batchExecuteStatementRequest>;
export type BeginTransactionRequest = z.infer<typeof beginTransactionRequest>;
export type EndTransactionRequest = z.infer<typeof endTransactionRequest>;
export type ResultSetOptions = NonNullable<ExecuteStatementRequest['resultSetOptions']>;

type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

/** Parses a JSON body, keeping `longValue` members as their exact digits. */
export function parseRequestBody<T>(body: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    const keepLongDigits: Reviver = (key, value, context) =>
      key === 'longValue' && typeof value === 'number' && context.source !== undefined
        ? context.source
        : value;
    json = JSON.parse(body === '' ? '{}' : body, keepLongDigits as Parameters<typeof JSON.parse>[1]);
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new DataApiServiceError(
      'BadRequestException',
      `Invalid request: ${where} ${issue?.message ?? ''}`.trim(),
    );
  }
  return parsed.data;
}
