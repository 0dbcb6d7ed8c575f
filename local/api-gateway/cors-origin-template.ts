import { TemplateError } from '../template/cfn-template.ts';

// The response template CDK's addCorsPreflight writes when allowOrigins lists more than one origin
// (aws-apigateway/lib/resource.ts, renderResponseTemplate): the first origin is the static
// Access-Control-Allow-Origin, and the template echoes the request's Origin when it is one of the
// others. This is the only VTL the local gateway evaluates.
const CDK_TEMPLATE_HEAD = [
  '#set($origin = $input.params().header.get("Origin"))',
  '#if($origin == "")',
  '  #set($origin = $input.params().header.get("origin"))',
  '#end',
];
const CDK_TEMPLATE_OVERRIDE =
  '  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)';

/** The origins CDK's multi-origin CORS template echoes; a TemplateError for any other VTL. */
export function corsOriginsOfTemplate(template: string, where: string): string[] {
  const lines = template.split('\n');
  const condition = /^#if\((.+)\)$/.exec(lines[4] ?? '');
  const matchesCdk =
    lines.length === 7 &&
    CDK_TEMPLATE_HEAD.every((line, i) => lines[i] === line) &&
    condition !== null &&
    lines[5] === CDK_TEMPLATE_OVERRIDE &&
    lines[6] === '#end';
  const origins = matchesCdk
    ? (condition[1] as string).split(' || ').map((test) => /^\$origin == "([^"]*)"$/.exec(test)?.[1])
    : [];
  if (!matchesCdk || origins.some((origin) => origin === undefined)) {
    throw new TemplateError(
      `${where}: the local API Gateway evaluates only the CORS response template CDK generates, not ${JSON.stringify(template)}`,
    );
  }
  return origins as string[];
}

/**
 * The request's Origin as the template reads it: `$input.params().header` is keyed by the header
 * name as sent, hence CDK's second look-up under `origin`.
 */
export function templateOrigin(rawHeaders: readonly (readonly [string, string])[]): string | undefined {
  const byName = (name: string) => rawHeaders.findLast(([header]) => header === name)?.[1];
  const origin = byName('Origin');
  return origin === undefined || origin === '' ? byName('origin') : origin;
}
