import { type CfnTemplate, TemplateError } from './cfn-template.ts';
import { RESOURCE_SUPPORT, type Treatment } from './resource-support.ts';

export interface PlannedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly treatment: Treatment;
  readonly locally: string;
}

/**
 * Says for every resource of the template what the local cloud does with it, and refuses (naming
 * logical id and property) a resource type it does not know, a Custom:: resource other than those
 * it knows, or a property of a run or emulated resource that it neither honours nor may ignore.
 * All problems are reported at once.
 */
export function planResources(
  template: CfnTemplate,
  isActive: (logicalId: string) => boolean = () => true,
): PlannedResource[] {
  const planned: PlannedResource[] = [];
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (!isActive(logicalId)) continue;
    const support = RESOURCE_SUPPORT[resource.Type];
    if (!support) {
      problems.push(`${logicalId}: the resource type ${resource.Type} is not supported by the local cloud`);
      continue;
    }
    if (support.honours) {
      for (const property of Object.keys(resource.Properties ?? {})) {
        if (support.honours.includes(property) || support.ignores?.[property]) continue;
        problems.push(
          `${logicalId}.${property}: the local cloud does not understand this property of ${resource.Type}`,
        );
      }
    }
    planned.push({ logicalId, type: resource.Type, treatment: support.treatment, locally: support.locally });
  }
  if (problems.length > 0) {
    throw new TemplateError(`the local cloud cannot run this template:\n  ${problems.join('\n  ')}`);
  }
  return planned;
}

/** The start table: one line per resource (logical id, type, what the local cloud does). */
export function formatResourceTable(planned: readonly PlannedResource[]): string {
  const order: Treatment[] = ['run', 'emulated', 'not emulated'];
  const rows = [...planned].sort(
    (a, b) =>
      order.indexOf(a.treatment) - order.indexOf(b.treatment) || a.logicalId.localeCompare(b.logicalId),
  );
  const idWidth = Math.min(60, Math.max(...rows.map((row) => row.logicalId.length)));
  const typeWidth = Math.max(...rows.map((row) => row.type.length));
  return rows
    .map(
      (row) =>
        `  ${row.logicalId.slice(0, 60).padEnd(idWidth)}  ${row.type.padEnd(typeWidth)}  ${row.treatment.padEnd(12)}  ${row.locally}`,
    )
    .join('\n');
}
