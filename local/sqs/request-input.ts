import { sqsErrors } from './sqs-error.ts';

interface IntegerBounds {
  readonly min: number;
  readonly max: number;
}

/** A JSON request body read field by field, answering malformed fields with SQS's own errors. */
export class RequestInput {
  readonly #fields: Readonly<Record<string, unknown>>;

  constructor(fields: Readonly<Record<string, unknown>>) {
    this.#fields = fields;
  }

  has(name: string): boolean {
    return this.#fields[name] !== undefined && this.#fields[name] !== null;
  }

  requiredString(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined || value === '') throw sqsErrors.missingParameter(name);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.#fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw sqsErrors.serialization(`${name} must be a string.`);
    return value;
  }

  /** An integer within bounds, worded as SQS words range errors ("Must be between 1 and 10, if provided."). */
  optionalInteger(name: string, bounds: IntegerBounds): number | undefined {
    const value = this.#fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw sqsErrors.serialization(`${name} must be an integer.`);
    }
    if (value < bounds.min || value > bounds.max) {
      throw sqsErrors.invalidParameter(
        name,
        value,
        `Must be between ${bounds.min} and ${bounds.max}, if provided.`,
      );
    }
    return value;
  }

  stringList(name: string): string[] {
    const value = this.#fields[name];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw sqsErrors.serialization(`${name} must be a list of strings.`);
    }
    return value;
  }

  stringMap(name: string): Record<string, string> {
    const value = this.object(name);
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') throw sqsErrors.serialization(`${name}.${key} must be a string.`);
    }
    return value as Record<string, string>;
  }

  object(name: string): Record<string, unknown> {
    const value = this.#fields[name];
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw sqsErrors.serialization(`${name} must be an object.`);
    }
    return value as Record<string, unknown>;
  }

  /** A list of objects, each read as its own input (batch entries). */
  entries(name: string): RequestInput[] {
    const value = this.#fields[name];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw sqsErrors.serialization(`${name} must be a list.`);
    return value.map((item, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw sqsErrors.serialization(`${name}[${index}] must be an object.`);
      }
      return new RequestInput(item as Record<string, unknown>);
    });
  }
}
