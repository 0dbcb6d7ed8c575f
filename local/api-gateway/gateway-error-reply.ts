import type { GatewayError } from './gateway-error.ts';
import type { GatewayReply } from './gateway-reply.ts';
import { renderGatewayTemplate, type TemplateContext } from './gateway-response-template.ts';
import { headerValue, type IncomingApiRequest, queryParameters } from './incoming-request.ts';
import type { GatewayResponseModel, HeaderValueSource, RestApiModel } from './rest-api-model.ts';

export interface ErrorReplyInput {
  readonly model: RestApiModel;
  readonly error: GatewayError;
  readonly request: IncomingApiRequest | null;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  readonly context: TemplateContext;
}

/**
 * The reply to a request API Gateway answers itself. A template's GatewayResponse for the error's
 * type customises it; without one, the DEFAULT_4XX or DEFAULT_5XX customisation applies ("If the
 * response type is unspecified, this response defaults to the DEFAULT_4XX type", Gateway response
 * types): its status code, its `gatewayresponse.header.*` values and its template, which renders
 * with `$context.error.*`. Without any, the default body goes out.
 */
export function replyOfGatewayError(input: ErrorReplyInput): GatewayReply {
  const { error, model } = input;
  const customised = error.responseType === null ? undefined : customisation(model, error);
  const context: TemplateContext = {
    ...input.context,
    'context.error.message': error.errorMessage,
    'context.error.messageString': JSON.stringify(error.errorMessage),
    'context.error.responseType': error.responseType,
  };
  const body = customised?.template ? renderGatewayTemplate(customised.template, context) : error.defaultBody;
  const headers: [string, string][] = [['Content-Type', 'application/json']];
  if (error.errorType) headers.push(['x-amzn-ErrorType', error.errorType]);
  for (const [name, source] of Object.entries(customised?.headers ?? {})) {
    const value = headerSourceValue(source, input);
    if (value !== undefined) headers.push([name, value]);
  }
  return { statusCode: customised?.statusCode ?? error.statusCode, headers, body: Buffer.from(body) };
}

function customisation(model: RestApiModel, error: GatewayError): GatewayResponseModel | undefined {
  const fallback = error.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  return model.gatewayResponses.get(error.responseType ?? fallback) ?? model.gatewayResponses.get(fallback);
}

function headerSourceValue(source: HeaderValueSource, input: ErrorReplyInput): string | undefined {
  if (source.kind === 'static') return source.value;
  if (input.request === null) return undefined;
  if (source.kind === 'request-header') return headerValue(input.request, source.name);
  if (source.kind === 'request-path') return input.pathParameters?.[source.name];
  return queryParameters(input.request).findLast(([name]) => name === source.name)?.[1];
}
