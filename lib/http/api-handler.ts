import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { type CorsPolicy, corsHeaders, preflightHeaders } from './cors.ts';
import { httpRequestFrom } from './http-request.ts';
import type { HttpResponse } from './http-response.ts';
import { problemResponse, type UnexpectedError } from './problem-response.ts';
import { matchRoute, type Route } from './router.ts';
import { traceIdOf } from './trace-context.ts';

export interface ApiHandlerOptions {
  readonly cors: CorsPolicy;
  /** Called with each request's trace id before its route runs (logger keys, X-Ray annotation). */
  readonly onTrace?: (traceId: string) => void;
  /** Told about errors the client only sees as a generic 500/503. */
  readonly onUnexpected?: (unexpected: UnexpectedError & { traceId: string; path: string }) => void;
}

type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/**
 * An API Gateway handler over a route table: normalises the event, matches the route, runs it, and
 * maps every error through the one problem+json mapping. Adds CORS and X-Trace-Id to every answer.
 */
export function apiHandler<Deps>(
  routes: readonly Route<Deps>[],
  deps: Deps,
  options: ApiHandlerOptions,
): (event: ApiGatewayEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    const request = httpRequestFrom(event);
    const traceId = traceIdOf(request);
    options.onTrace?.(traceId);
    let response: HttpResponse;
    if (request.method === 'OPTIONS') {
      response = { statusCode: 204, headers: preflightHeaders(options.cors, request), body: '' };
    } else {
      try {
        const { route, params } = matchRoute(routes, request);
        response = await route.handle({ ...request, params, traceId }, deps);
        if (request.method === 'HEAD') response = { ...response, body: '' };
      } catch (error) {
        response = problemResponse(error, { instance: request.path, traceId }, (unexpected) =>
          options.onUnexpected?.({ ...unexpected, traceId, path: request.path }),
        );
      }
    }
    return {
      statusCode: response.statusCode,
      headers: { ...response.headers, ...corsHeaders(options.cors, request), 'x-trace-id': traceId },
      body: response.body,
    };
  };
}
