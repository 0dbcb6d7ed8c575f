import { type CfnTemplate, TemplateError } from '../template/cfn-template.ts';
import { checkGatewayTemplate } from './gateway-response-template.ts';
import { type GatewayResponseType, isGatewayResponseType } from './gateway-response-type.ts';
import type { GatewayResponseModel, HeaderValueSource } from './rest-api-model.ts';
import { referencedLogicalId, rejectUnknownProperties, resourcesOfType } from './template-reading.ts';

const GATEWAY_RESPONSE_PROPERTIES = new Set([
  'RestApiId',
  'ResponseType',
  'StatusCode',
  'ResponseParameters',
  'ResponseTemplates',
]);
const REQUEST_MAPPING = /^method\.request\.(header|querystring|path)\.(.+)$/;

/** The RestApi's AWS::ApiGateway::GatewayResponse resources, by response type. */
export function readGatewayResponses(
  template: CfnTemplate,
  restApiLogicalId: string,
): Map<GatewayResponseType, GatewayResponseModel> {
  const responses = new Map<GatewayResponseType, GatewayResponseModel>();
  for (const { logicalId, properties } of resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse')) {
    const where = `${logicalId}.Properties`;
    rejectUnknownProperties(properties, GATEWAY_RESPONSE_PROPERTIES, where);
    if (referencedLogicalId(properties.RestApiId, `${where}.RestApiId`) !== restApiLogicalId) continue;
    const type = properties.ResponseType;
    if (!isGatewayResponseType(type))
      throw new TemplateError(`${where}.ResponseType is not a gateway response type`);
    if (responses.has(type)) throw new TemplateError(`${where}.ResponseType ${type} is customised twice`);
    const statusCode = properties.StatusCode === undefined ? null : Number(properties.StatusCode);
    if (statusCode !== null && !(Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599)) {
      throw new TemplateError(`${where}.StatusCode must be an HTTP status code`);
    }
    responses.set(type, {
      logicalId,
      type,
      statusCode,
      headers: readHeaders(properties.ResponseParameters, `${where}.ResponseParameters`),
      template: readTemplate(properties.ResponseTemplates, `${where}.ResponseTemplates`),
    });
  }
  return responses;
}

function readHeaders(parameters: unknown, where: string): Record<string, HeaderValueSource> {
  const headers: Record<string, HeaderValueSource> = {};
  for (const [key, value] of Object.entries((parameters ?? {}) as Record<string, unknown>)) {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
    if (header === undefined || typeof value !== 'string') {
      throw new TemplateError(`${where}.${key} must map gatewayresponse.header.<name> to a string`);
    }
    const literal = /^'(.*)'$/s.exec(value);
    const mapped = REQUEST_MAPPING.exec(value);
    if (literal) {
      headers[header] = { kind: 'static', value: literal[1] as string };
    } else if (mapped) {
      const kinds = {
        header: 'request-header',
        querystring: 'request-querystring',
        path: 'request-path',
      } as const;
      headers[header] = { kind: kinds[mapped[1] as keyof typeof kinds], name: mapped[2] as string };
    } else {
      throw new TemplateError(
        `${where}.${key}: only static ('...') and method.request.header/querystring/path values are emulated`,
      );
    }
  }
  return headers;
}

function readTemplate(templates: unknown, where: string): string | null {
  const entries = Object.entries((templates ?? {}) as Record<string, unknown>);
  const chosen = entries.find(([type]) => type === 'application/json') ?? entries[0];
  if (chosen === undefined) return null;
  const [contentType, template] = chosen;
  if (typeof template !== 'string') throw new TemplateError(`${where}.${contentType} must be a string`);
  checkGatewayTemplate(template, `${where}.${contentType}`);
  return template;
}
