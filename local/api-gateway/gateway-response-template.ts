import { TemplateError } from '../template/cfn-template.ts';

/** The `$context` variables a gateway response template may use locally, by name without `$`. */
export type TemplateContext = Readonly<Partial<Record<TemplateVariable, string | null>>>;

const TEMPLATE_VARIABLES = [
  'context.error.message',
  'context.error.messageString',
  'context.error.responseType',
  'context.requestId',
  'context.extendedRequestId',
  'context.apiId',
  'context.stage',
  'context.httpMethod',
  'context.resourcePath',
  'context.path',
  'context.domainName',
  'context.requestTime',
  'context.requestTimeEpoch',
  'context.identity.sourceIp',
  'context.identity.userAgent',
  'context.authorizer.principalId',
] as const;
type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
const KNOWN = new Set<string>(TEMPLATE_VARIABLES);

// `$name.path`, `$!name.path`, `${name.path}` and `$!{name.path}` are Velocity references.
const REFERENCE = /\$!?(?:\{([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*)\}|([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*))/g;
const DIRECTIVE =
  /#(?:set|if|elseif|else|end|foreach|macro|include|parse|stop|break|define|evaluate)\b|##|#\*/;

/**
 * Refuses a gateway response template the local gateway cannot render: Velocity directives, or a
 * reference other than the `$context` variables above.
 */
export function checkGatewayTemplate(template: string, where: string): void {
  if (DIRECTIVE.test(template)) {
    throw new TemplateError(`${where}: Velocity directives are not emulated in gateway response templates`);
  }
  for (const match of template.matchAll(REFERENCE)) {
    const name = (match[1] ?? match[2]) as string;
    if (!KNOWN.has(name)) {
      throw new TemplateError(`${where}: $${name} is not emulated in gateway response templates`);
    }
  }
}

/**
 * Renders a checked template. `$context.error.messageString` is the message as a JSON string (or
 * `null`), which is how the default `{"message":$context.error.messageString}` makes its body;
 * a variable without a value renders empty.
 */
export function renderGatewayTemplate(template: string, context: TemplateContext): string {
  return template.replace(REFERENCE, (_, braced: string | undefined, bare: string | undefined) => {
    return context[(braced ?? bare) as TemplateVariable] ?? '';
  });
}
