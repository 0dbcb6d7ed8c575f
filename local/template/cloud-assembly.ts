import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CfnTemplate, TemplateError } from './cfn-template.ts';

/** The one stack of a cloud assembly: its name, template, and where its assets are. */
export interface AssemblyStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** The asset folder of a resource (`Metadata['aws:asset:path']`, as SAM CLI reads it). */
  assetDirOf(logicalId: string): string | undefined;
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    {
      readonly type: string;
      readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
    }
  >;
}

/** Reads manifest.json and the template of the assembly's stack (exactly one stack). */
export async function readAssemblyStack(assemblyDir: string): Promise<AssemblyStack> {
  const manifest = JSON.parse(await readFile(join(assemblyDir, 'manifest.json'), 'utf8')) as Manifest;
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(
    ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
  );
  if (stacks.length !== 1) {
    throw new TemplateError(
      `the cloud assembly in ${assemblyDir} holds ${stacks.length} stacks (${stacks.map(([id]) => id).join(', ')}); the local cloud runs exactly one`,
    );
  }
  const [artifactId, artifact] = stacks[0] as [string, NonNullable<Manifest['artifacts']>[string]];
  const templateFile = artifact.properties?.templateFile ?? `${artifactId}.template.json`;
  const template = JSON.parse(await readFile(join(assemblyDir, templateFile), 'utf8')) as CfnTemplate;
  return {
    stackName: artifact.properties?.stackName ?? artifactId,
    template,
    assetDirOf: (logicalId) => {
      const path = template.Resources[logicalId]?.Metadata?.['aws:asset:path'];
      return typeof path === 'string' ? resolve(assemblyDir, path) : undefined;
    },
  };
}
