import * as z from 'zod/mini';
import './zod-english.ts';

/** A function's environment is missing or wrong; thrown at cold start so the deploy shows it. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Parses the environment once, at cold start, naming every bad or missing variable. */
export function parseEnv<Schema extends z.core.$ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
): z.output<Schema> {
  const result = z.safeParse(schema, env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`Invalid function configuration — ${problems.join('; ')}`);
}
