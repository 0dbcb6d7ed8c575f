import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { JournalService, type JournalServiceProps } from '../../infra/journal-service.ts';
import { JournalStack } from '../../infra/journal-stack.ts';
import { InvalidJournalPropsError } from '../../infra/props-problems.ts';

/** The feature flags and settings `cdk synth` uses, so tests synthesize what a deploy would. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/** Context that skips esbuild: the functions' code is not built, the template is otherwise the same. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface SynthesizedJournal {
  readonly stack: JournalStack;
  readonly service: JournalService;
  readonly template: Template;
}

/** Synthesizes the journal stack with the given service props, without bundling the functions. */
export function synthJournal(props: JournalServiceProps = {}): SynthesizedJournal {
  const app = new App({ context: { ...CDK_CONTEXT, ...SKIP_BUNDLING } });
  const stack = new JournalStack(app, 'JournalTest', { service: props });
  return { stack, service: stack.service, template: Template.fromStack(stack) };
}

/**
 * A bare stack with the journal service in it, for tests that add constructs of their own (grantees,
 * a user pool the props name).
 */
export function journalInStack(props: JournalServiceProps | ((stack: Stack) => JournalServiceProps) = {}): {
  stack: Stack;
  service: JournalService;
} {
  const app = new App({ context: { ...CDK_CONTEXT, ...SKIP_BUNDLING } });
  const stack = new Stack(app, 'JournalHost');
  const serviceProps = typeof props === 'function' ? props(stack) : props;
  return { stack, service: new JournalService(stack, 'Journal', serviceProps) };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(resource);
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
}

/** Every resource of a type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/** The resource of a construct (fails when the template does not hold it). */
export function resourceOf(template: Template, type: string, construct: IConstruct): TemplateResource {
  const resource = resourcesOf(template, type)[logicalIdOf(construct)];
  if (!resource) throw new Error(`No ${type} for ${construct.node.path}`);
  return resource;
}

/** A function's environment variables. */
export function environmentOf(template: Template, fn: IFunction): Record<string, unknown> {
  const environment = resourceOf(template, 'AWS::Lambda::Function', fn).Properties.Environment;
  return (environment as { Variables: Record<string, unknown> }).Variables;
}

/** The one resource of a type (fails when there is not exactly one). */
export function onlyResourceOf(template: Template, type: string): [string, TemplateResource] {
  const found = Object.entries(resourcesOf(template, type));
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  return found[0] as [string, TemplateResource];
}

/**
 * Renders a CloudFormation value as text for assertions: Ref X -> ${X}, GetAtt X.Y -> ${X.Y},
 * Fn::Join and Fn::Sub spelled out. Values become comparable without depending on hashes' order.
 */
export function render(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') return `\${${String(arg)}}`;
    if (entries.length === 1 && key === 'Fn::GetAtt') return `\${${(arg as string[]).join('.')}}`;
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    if (entries.length === 1 && key === 'Fn::Sub') return String(Array.isArray(arg) ? arg[0] : arg);
    return JSON.stringify(value);
  }
  return String(value);
}

export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The IAM statements attached to each role (inline policies and AWS::IAM::Policy), by role logical id. */
export function statementsByRole(template: Template): Map<string, PolicyStatement[]> {
  const byRole = new Map<string, PolicyStatement[]>();
  const add = (role: string, statements: PolicyStatement[]) =>
    byRole.set(role, [...(byRole.get(role) ?? []), ...statements]);
  for (const [id, role] of Object.entries(resourcesOf(template, 'AWS::IAM::Role'))) {
    add(id, []);
    const inline = (role.Properties.Policies ?? []) as {
      PolicyDocument: { Statement: PolicyStatement[] };
    }[];
    for (const policy of inline) add(id, policy.PolicyDocument.Statement);
  }
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const statements = (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement;
    for (const role of policy.Properties.Roles as { Ref: string }[]) add(role.Ref, statements);
  }
  return byRole;
}

/** A statement's actions as a list. */
export function actionsOf(statement: PolicyStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** A statement's resources, rendered. */
export function resourcesIn(statement: PolicyStatement): string[] {
  const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return resources.map(render);
}

/** The logical id of a function's execution role. */
export function roleIdOf(fn: IFunction): string {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  return logicalIdOf(fn.role);
}

/** The single item of a list (fails naming the count otherwise). */
export function only<T>(items: readonly T[]): T {
  if (items.length !== 1) throw new Error(`Expected exactly one item, found ${items.length}`);
  return items[0] as T;
}

/** The problems JournalService names for these props (none when they synthesize). */
export function problemsOf(props: JournalServiceProps): readonly string[] {
  try {
    journalInStack(props);
  } catch (error) {
    if (error instanceof InvalidJournalPropsError) return error.problems;
    throw error;
  }
  return [];
}
