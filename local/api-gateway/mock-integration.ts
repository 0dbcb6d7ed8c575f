import { TemplateError } from '../template/cfn-template.ts';
import { corsOriginsOfTemplate, templateOrigin } from './cors-origin-template.ts';
import { gatewayErrors } from './gateway-error.ts';
import type { GatewayReply } from './gateway-reply.ts';
import type { MockIntegration, MockResponse } from './rest-api-model.ts';
import { rejectUnknownProperties } from './template-reading.ts';

const MOCK_PROPERTIES = new Set(['Type', 'RequestTemplates', 'IntegrationResponses', 'PassthroughBehavior']);
const RESPONSE_PROPERTIES = new Set([
  'StatusCode',
  'ResponseParameters',
  'ResponseTemplates',
  'SelectionPattern',
]);
// What CDK's MockIntegration for a preflight asks for: `{ statusCode: 200 }`.
const STATUS_TEMPLATE = /^\{\s*"?statusCode"?\s*:\s*(\d{3})\s*\}$/;

/**
 * A MOCK integration as CDK writes it: the request template picks a status code, and the
 * integration response for it (its SelectionPattern, else the default one) gives the static headers
 * and, for several CORS origins, the template that echoes the request's Origin.
 */
export function readMockIntegration(
  integration: Readonly<Record<string, unknown>>,
  methodResponses: unknown,
  where: string,
): MockIntegration {
  rejectUnknownProperties(integration, MOCK_PROPERTIES, where);
  const status = requestedStatus(integration.RequestTemplates, `${where}.RequestTemplates`);
  const responses = Array.isArray(integration.IntegrationResponses) ? integration.IntegrationResponses : [];
  const chosen =
    responses.find((r) => typeof r?.SelectionPattern === 'string' && selects(r.SelectionPattern, status)) ??
    responses.find((r) => r?.SelectionPattern === undefined || r.SelectionPattern === '');
  if (chosen === undefined) return { kind: 'mock', response: null };
  const at = `${where}.IntegrationResponses[${responses.indexOf(chosen)}]`;
  rejectUnknownProperties(chosen, RESPONSE_PROPERTIES, at);
  return { kind: 'mock', response: readResponse(chosen, declaredHeaders(methodResponses), at) };
}

/** The reply of a MOCK integration to one request. */
export function mockReply(
  integration: MockIntegration,
  rawHeaders: readonly (readonly [string, string])[],
): GatewayReply {
  const response = integration.response;
  if (response === null) {
    throw gatewayErrors.configurationError(
      'Execution failed due to configuration error: No match for output mapping and no default output mapping configured',
    );
  }
  const headers = { ...response.headers };
  const origin = templateOrigin(rawHeaders);
  if (origin !== undefined && response.echoedOrigins.includes(origin))
    headers['Access-Control-Allow-Origin'] = origin;
  return {
    statusCode: response.statusCode,
    headers: [['Content-Type', 'application/json'], ...Object.entries(headers)],
    body: Buffer.alloc(0),
  };
}

function requestedStatus(templates: unknown, where: string): string {
  if (templates === undefined) return '200';
  const json = (templates as Record<string, unknown>)['application/json'];
  const match = typeof json === 'string' ? STATUS_TEMPLATE.exec(json.trim()) : null;
  if (match === null || Object.keys(templates as object).length !== 1) {
    throw new TemplateError(
      `${where}: the local API Gateway evaluates only { "application/json": "{ statusCode: <code> }" } for MOCK integrations`,
    );
  }
  return match[1] as string;
}

function selects(pattern: string, status: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(status);
}

function declaredHeaders(methodResponses: unknown): Map<string, Set<string>> {
  const declared = new Map<string, Set<string>>();
  for (const response of Array.isArray(methodResponses) ? methodResponses : []) {
    const names = Object.keys(response?.ResponseParameters ?? {});
    declared.set(String(response?.StatusCode), new Set(names));
  }
  return declared;
}

function readResponse(
  response: Record<string, unknown>,
  declared: ReadonlyMap<string, ReadonlySet<string>>,
  where: string,
): MockResponse {
  const statusCode = Number(response.StatusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new TemplateError(`${where}.StatusCode must be an HTTP status code`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(
    (response.ResponseParameters ?? {}) as Record<string, unknown>,
  )) {
    const header = /^method\.response\.header\.(.+)$/.exec(name)?.[1];
    const literal = typeof value === 'string' ? /^'(.*)'$/s.exec(value)?.[1] : undefined;
    if (header === undefined || literal === undefined) {
      throw new TemplateError(
        `${where}.ResponseParameters.${name}: only static method.response.header values ('...') are emulated for MOCK`,
      );
    }
    // API Gateway refuses the deployment when the method response does not declare the header.
    if (!declared.get(String(statusCode))?.has(name)) {
      throw new TemplateError(
        `${where}.ResponseParameters.${name} is not declared in the MethodResponses for ${statusCode}`,
      );
    }
    headers[header] = literal;
  }
  const templates = (response.ResponseTemplates ?? {}) as Record<string, unknown>;
  const echoedOrigins: string[] = [];
  for (const [contentType, template] of Object.entries(templates)) {
    if (template === '' || template === null) continue;
    const at = `${where}.ResponseTemplates.${contentType}`;
    if (typeof template !== 'string' || contentType !== 'application/json') {
      throw new TemplateError(`${at}: only CDK's application/json CORS template is emulated for MOCK`);
    }
    echoedOrigins.push(...corsOriginsOfTemplate(template, at));
  }
  return { statusCode, headers, echoedOrigins };
}
