/**
 * The gateway response types and their default status codes, from "Gateway response types for API
 * Gateway" (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
 * DEFAULT_4XX and DEFAULT_5XX have none of their own: they are the fallback of each class.
 */
export const GATEWAY_RESPONSE_DEFAULT_STATUS = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_PARAMETERS: 400,
  BAD_REQUEST_BODY: 400,
  DEFAULT_4XX: null,
  DEFAULT_5XX: null,
  EXPIRED_TOKEN: 403,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  QUOTA_EXCEEDED: 429,
  REQUEST_TOO_LARGE: 413,
  RESOURCE_NOT_FOUND: 404,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
  WAF_FILTERED: 403,
} as const;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSE_DEFAULT_STATUS;

/** Whether `value` names a gateway response type. */
export function isGatewayResponseType(value: unknown): value is GatewayResponseType {
  return typeof value === 'string' && Object.hasOwn(GATEWAY_RESPONSE_DEFAULT_STATUS, value);
}
