import type { z } from 'zod';

/**
 * A schema built on its first call, the same instance after: for schemas only the OpenAPI document
 * needs (response bodies), so that building them is not paid at cold start.
 */
export function lazySchema<T extends z.ZodType>(build: () => T): () => T {
  let schema: T | undefined;
  return () => {
    schema ??= build();
    return schema;
  };
}
