import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestInput } from './request-input.ts';
import { type SqsError, sqsErrors } from './sqs-error.ts';

const TARGET_PREFIX = 'AmazonSQS.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
// Ten 1 MiB messages with binary attributes in base64 and JSON escaping stay well below this.
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** An AWS JSON 1.0 request: `POST /`, `X-Amz-Target: AmazonSQS.<Action>`, a JSON object body. */
export interface JsonRequest {
  readonly action: string;
  readonly input: RequestInput;
}

export async function readJsonRequest(request: IncomingMessage): Promise<JsonRequest> {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
    throw sqsErrors.unknownOperation(String(target ?? '(no X-Amz-Target header)'));
  }
  const body = await readBody(request);
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw sqsErrors.serialization('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw sqsErrors.serialization('The request body must be a JSON object.');
  }
  return {
    action: target.slice(TARGET_PREFIX.length),
    input: new RequestInput(parsed as Record<string, unknown>),
  };
}

export function writeJsonResult(response: ServerResponse, requestId: string, output: object): void {
  const body = JSON.stringify(output);
  response.writeHead(200, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  response.end(body);
}

/** The error shape of "Interpreting Amazon SQS JSON API responses". */
export function writeJsonError(response: ServerResponse, requestId: string, error: SqsError): void {
  const body = JSON.stringify({ __type: error.wireType, message: error.message });
  response.writeHead(error.shape.status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    'x-amzn-query-error': error.queryErrorHeader,
  });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw sqsErrors.serialization('The request body is too large.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
