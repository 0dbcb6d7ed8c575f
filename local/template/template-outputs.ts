import type { CfnTemplate, Resolve } from './cfn-template.ts';

/** A stack output as the local cloud resolves it; `undefined` when it names what is not emulated. */
export interface LocalOutput {
  readonly description?: string;
  readonly value: string | undefined;
  readonly why?: string;
}

/**
 * The template's Outputs with local values. An output that rests on a resource the local cloud does
 * not emulate (say a CloudWatch dashboard attribute) is reported without a value rather than
 * stopping the start: no local behaviour depends on it.
 */
export function resolveOutputs(
  template: CfnTemplate,
  resolve: Resolve,
  rewrite: (value: string) => string,
): Record<string, LocalOutput> {
  const outputs: Record<string, LocalOutput> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const description = output.Description === undefined ? {} : { description: output.Description };
    try {
      outputs[name] = { ...description, value: rewrite(String(resolve(output.Value, `Outputs.${name}`))) };
    } catch (error) {
      outputs[name] = { ...description, value: undefined, why: (error as Error).message };
    }
  }
  return outputs;
}
