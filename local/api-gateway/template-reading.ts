import { type CfnResource, type CfnTemplate, type Resolve, TemplateError } from '../template/cfn-template.ts';

/** A template resource with its logical id. */
export interface NamedResource {
  readonly logicalId: string;
  readonly resource: CfnResource;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** The resources of one type, in template order. */
export function resourcesOfType(template: CfnTemplate, type: string): NamedResource[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({ logicalId, resource, properties: resource.Properties ?? {} }));
}

/**
 * The logical id a property points at: `{ Ref: X }`, `{ "Fn::GetAtt": [X, attribute] }` (or "X.attr").
 * The REST API's parts always reference each other this way in a synthesized template; a literal id
 * would name an API outside the template, which the local cloud does not have.
 */
export function referencedLogicalId(value: unknown, where: string, attribute?: string): string {
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (attribute === undefined && typeof record.Ref === 'string') return record.Ref;
    const getAtt = record['Fn::GetAtt'];
    const [target, name] = Array.isArray(getAtt)
      ? getAtt
      : typeof getAtt === 'string'
        ? getAtt.split('.', 2)
        : [];
    if (attribute !== undefined && typeof target === 'string' && name === attribute) return target;
  }
  const expected = attribute === undefined ? 'a Ref' : `Fn::GetAtt ...${attribute} or a Ref`;
  throw new TemplateError(
    `${where} must be ${expected} to a resource of this template (got ${JSON.stringify(value)})`,
  );
}

/** A property that must resolve to a string. */
export function resolveString(resolve: Resolve, value: unknown, where: string): string {
  const resolved = resolve(value, where);
  if (typeof resolved !== 'string' || resolved === '') {
    throw new TemplateError(`${where} must resolve to a non-empty string (got ${JSON.stringify(resolved)})`);
  }
  return resolved;
}

/** Throws a TemplateError for the first property the local gateway neither emulates nor may ignore. */
export function rejectUnknownProperties(
  properties: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
  where: string,
): void {
  for (const name of Object.keys(properties)) {
    if (!known.has(name))
      throw new TemplateError(`${where}.${name} is not emulated by the local API Gateway`);
  }
}
