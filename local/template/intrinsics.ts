import { type CfnTemplate, type Resolve, TemplateError } from './cfn-template.ts';

/** What a resource gives `Ref` and `Fn::GetAtt` locally; undefined: the local cloud has no value for it. */
export interface ResourceValues {
  ref(logicalId: string): string | undefined;
  attribute(logicalId: string, attribute: string): string | undefined;
}

/** The pseudo parameters of the local account (AWS::Region, AWS::AccountId, ...). */
export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly stackName: string;
  readonly stackId: string;
}

/**
 * The intrinsic functions of CloudFormation that `cdk synth` emits, evaluated against local values:
 * Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If, Fn::FindInMap, Fn::GetAZs,
 * Fn::Base64 and the condition functions. Anything else (Fn::ImportValue, Fn::Transform, ...) is
 * a TemplateError naming where it stands: nothing is silently skipped.
 */
export function createResolver(
  template: CfnTemplate,
  pseudo: PseudoParameters,
  values: ResourceValues,
): { resolve: Resolve; condition(name: string): boolean } {
  const conditionCache = new Map<string, boolean>();
  const fail = (where: string, message: string): never => {
    throw new TemplateError(`${where}: ${message}`);
  };

  const pseudoValue = (name: string): unknown => {
    switch (name) {
      case 'AWS::Region':
        return pseudo.region;
      case 'AWS::AccountId':
        return pseudo.accountId;
      case 'AWS::Partition':
        return pseudo.partition;
      case 'AWS::URLSuffix':
        return pseudo.urlSuffix;
      case 'AWS::StackName':
        return pseudo.stackName;
      case 'AWS::StackId':
        return pseudo.stackId;
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        return undefined;
    }
  };

  const ref = (name: string, where: string): unknown => {
    if (name.startsWith('AWS::')) {
      const value = pseudoValue(name);
      return value === undefined ? fail(where, `the pseudo parameter ${name} is not known locally`) : value;
    }
    const parameter = template.Parameters?.[name];
    if (parameter) {
      if (parameter.Type.startsWith('AWS::SSM::')) {
        return fail(where, `Ref ${name}: SSM parameters are not emulated locally`);
      }
      return parameter.Default ?? fail(where, `Ref ${name}: the parameter has no default`);
    }
    if (!template.Resources[name]) return fail(where, `Ref ${name}: no such resource or parameter`);
    return values.ref(name) ?? fail(where, `Ref ${name}: the local cloud has no value for it`);
  };

  const getAtt = (arg: unknown, where: string): unknown => {
    const [logicalId, attribute] = Array.isArray(arg)
      ? (arg.map((part) => resolve(part, where)) as [string, string])
      : String(arg).split(/\.(.*)/s);
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
      return fail(where, `Fn::GetAtt needs [logicalId, attribute] (got ${JSON.stringify(arg)})`);
    }
    const type = template.Resources[logicalId]?.Type;
    if (!type) return fail(where, `Fn::GetAtt ${logicalId}.${attribute}: no such resource`);
    return (
      values.attribute(logicalId, attribute) ??
      fail(where, `Fn::GetAtt ${logicalId}.${attribute} (${type}) has no local value`)
    );
  };

  const sub = (arg: unknown, where: string): string => {
    const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
    if (typeof text !== 'string') return fail(where, 'Fn::Sub needs a string');
    const locals = Object.fromEntries(
      Object.entries((variables ?? {}) as Record<string, unknown>).map(([name, value]) => [
        name,
        resolve(value, where),
      ]),
    );
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (name in locals) return String(locals[name]);
      if (name.includes('.') && !name.startsWith('AWS::')) return String(getAtt(name, where));
      return String(ref(name, where));
    });
  };

  const condition = (name: string): boolean => {
    const cached = conditionCache.get(name);
    if (cached !== undefined) return cached;
    const definition = template.Conditions?.[name];
    if (definition === undefined) return fail(`Conditions.${name}`, 'no such condition');
    const value = Boolean(resolve(definition, `Conditions.${name}`));
    conditionCache.set(name, value);
    return value;
  };

  const resolve: Resolve = (value, where) => {
    if (Array.isArray(value)) {
      return value.map((item, i) => resolve(item, `${where}[${i}]`)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (
      entries.length === 1 &&
      key !== undefined &&
      (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition')
    ) {
      return intrinsic(key, arg, where);
    }
    const out: Record<string, unknown> = {};
    for (const [name, item] of entries) {
      const resolved = resolve(item, `${where}.${name}`);
      if (resolved !== NO_VALUE) out[name] = resolved;
    }
    return out;
  };

  const intrinsic = (key: string, arg: unknown, where: string): unknown => {
    switch (key) {
      case 'Ref':
        return ref(String(arg), where);
      case 'Fn::GetAtt':
        return getAtt(arg, where);
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown];
        const list = resolve(parts, where);
        if (!Array.isArray(list)) return fail(where, 'Fn::Join needs a list');
        return list.map(String).join(separator);
      }
      case 'Fn::Sub':
        return sub(arg, where);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = resolve(list, where);
        const i = Number(resolve(index, where));
        if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
          return fail(where, `Fn::Select index ${i} is out of range`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return String(resolve(text, where)).split(separator);
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${pseudo.region}${zone}`);
      case 'Fn::Base64':
        return Buffer.from(String(resolve(arg, where))).toString('base64');
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((part) => resolve(part, where)) as string[];
        const found = (
          template.Mappings?.[map as string] as Record<string, Record<string, unknown>> | undefined
        )?.[top as string]?.[second as string];
        return found ?? fail(where, `Fn::FindInMap ${map}.${top}.${second}: not in the template`);
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return resolve(condition(name) ? whenTrue : whenFalse, where);
      }
      case 'Condition':
        return condition(String(arg));
      case 'Fn::Equals': {
        const [a, b] = (arg as unknown[]).map((part) => resolve(part, where));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !resolve((arg as unknown[])[0], where);
      case 'Fn::And':
        return (arg as unknown[]).every((part) => Boolean(resolve(part, where)));
      case 'Fn::Or':
        return (arg as unknown[]).some((part) => Boolean(resolve(part, where)));
      case 'Fn::Contains': {
        const [list, item] = (arg as unknown[]).map((part) => resolve(part, where));
        return Array.isArray(list) && list.some((entry) => JSON.stringify(entry) === JSON.stringify(item));
      }
      default:
        return fail(where, `${key} is not supported by the local cloud`);
    }
  };

  return { resolve, condition };
}

/** AWS::NoValue: the property is removed, as CloudFormation does. */
const NO_VALUE = Symbol('AWS::NoValue');
