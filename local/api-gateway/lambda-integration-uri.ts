import { TemplateError } from '../template/cfn-template.ts';

// "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function ARN}/invocations", the form
// the Integration Uri and the AuthorizerUri of a Lambda take (AWS::ApiGateway::Method Integration,
// AWS::ApiGateway::Authorizer AuthorizerUri).
const LAMBDA_URI =
  /^arn:[a-z-]+:apigateway:[a-z0-9-]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

/** The function ARN of a Lambda integration or authorizer URI. */
export function functionArnOfUri(uri: string, where: string): string {
  const match = LAMBDA_URI.exec(uri);
  if (!match) {
    throw new TemplateError(
      `${where} is not a Lambda invocation URI (arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations): ${uri}`,
    );
  }
  return match[1] as string;
}

/**
 * A function reference reduced to `name` or `name:qualifier`, so an ARN, a partial ARN
 * (`123456789012:function:name`) and a bare name of one function compare equal.
 */
export function functionKey(reference: string): string {
  const parts = reference.split(':');
  const at = parts.indexOf('function');
  return at === -1 ? reference : parts.slice(at + 1).join(':');
}
