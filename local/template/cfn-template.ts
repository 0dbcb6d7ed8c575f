/** A CloudFormation template as `cdk synth` writes it (only the parts the local cloud reads). */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value: unknown; readonly Description?: string }>>;
  readonly Parameters?: Readonly<Record<string, { readonly Type: string; readonly Default?: unknown }>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, unknown>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Resolves a template value (intrinsics `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, ...)
 * to its local value. `where` names the place for the error, e.g. `JournalIngestFunction.Environment`.
 * Throws a TemplateError naming the logical id and property when it cannot.
 */
export type Resolve = (value: unknown, where: string) => unknown;

/** A template the local cloud cannot run: the message names the logical id and the property. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}
