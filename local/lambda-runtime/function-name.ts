/** A FunctionName as Invoke takes it, taken apart. */
export interface FunctionNameParts {
  readonly name: string;
  readonly qualifier?: string;
  /** Present when the caller gave a full or partial ARN. */
  readonly region?: string;
  readonly accountId?: string;
}

/**
 * Reads Invoke's FunctionName in each of its forms (Lambda API reference, Invoke): `my-function`,
 * `my-function:v1`, `123456789012:function:my-function[:v1]` and
 * `arn:aws:lambda:us-west-2:123456789012:function:my-function[:v1]`. Undefined for anything else.
 */
export function parseFunctionName(text: string): FunctionNameParts | undefined {
  const parts = text.split(':');
  if (parts[0] === 'arn') {
    const [, partition, service, region, accountId, resource, name, qualifier, ...rest] = parts;
    if (!partition || service !== 'lambda' || resource !== 'function' || !name || rest.length > 0)
      return undefined;
    return {
      name,
      region: region as string,
      accountId: accountId as string,
      ...(qualifier ? { qualifier } : {}),
    };
  }
  if (parts[1] === 'function') {
    const [accountId, , name, qualifier, ...rest] = parts;
    if (!name || rest.length > 0) return undefined;
    return { name, accountId: accountId as string, ...(qualifier ? { qualifier } : {}) };
  }
  const [name, qualifier, ...rest] = parts;
  if (!name || rest.length > 0) return undefined;
  return { name, ...(qualifier ? { qualifier } : {}) };
}
