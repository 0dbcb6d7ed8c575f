import type { z } from 'zod';
import { BadRequestError, MethodNotAllowedError, NotFoundError } from './http-errors.ts';
import type { HttpRequest } from './http-request.ts';
import type { HttpResponse } from './http-response.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A request matched to a route, with its decoded path parameters. */
export interface RoutedRequest extends HttpRequest {
  readonly params: Readonly<Record<string, string>>;
  /** The request's trace id (traceIdOf), the one the answer carries in X-Trace-Id. */
  readonly traceId: string;
}

/** What the OpenAPI document says of a route; the same zod schemas the route parses with. */
export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /**
   * Response body schemas by status, or functions that build them with the document (lazySchema) so
   * that cold start does not; problem responses are documented for every route.
   */
  readonly responses: Readonly<
    Record<number, { readonly description: string; readonly schema?: z.ZodType | (() => z.ZodType) }>
  >;
  /** Write routes need the write grant (IAM) in AWS. */
  readonly access: 'read' | 'write' | 'public';
}

export interface Route<Deps> {
  readonly method: HttpMethod;
  /** e.g. /api/swarms/{swarmId}/journal/page */
  readonly path: string;
  readonly doc: RouteDoc;
  handle(request: RoutedRequest, deps: Deps): Promise<HttpResponse>;
}

/** Finds the route for a request; unknown paths are 404, known paths with another method 405. */
export function matchRoute<Deps>(
  routes: readonly Route<Deps>[],
  request: HttpRequest,
): { route: Route<Deps>; params: Record<string, string> } {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, request.path);
    if (params === null) continue;
    if (route.method === request.method || (request.method === 'HEAD' && route.method === 'GET')) {
      return { route, params };
    }
    allowed.push(route.method);
  }
  if (allowed.length > 0) throw new MethodNotAllowedError(request.method, allowed);
  throw new NotFoundError(`No route for ${request.method} ${request.path}`);
}

function matchPath(template: string, path: string): Record<string, string> | null {
  const expected = template.split('/');
  const actual = (path.length > 1 ? path.replace(/\/+$/, '') : path).split('/');
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < expected.length; i += 1) {
    const segment = expected[i] as string;
    const value = actual[i] as string;
    if (segment.startsWith('{') && segment.endsWith('}')) {
      if (value === '') return null;
      params[segment.slice(1, -1)] = decodeSegment(segment.slice(1, -1), value);
    } else if (segment !== value) {
      return null;
    }
  }
  return params;
}

function decodeSegment(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new BadRequestError(`Path parameter ${name} is not valid percent-encoding`, [
      { name, reason: 'is not valid percent-encoding' },
    ]);
  }
}
