import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalFunctionSpec } from '../lambda-runtime/local-function.ts';
import { type Resolve, TemplateError } from './cfn-template.ts';
import type { AssemblyStack } from './cloud-assembly.ts';

/**
 * An AWS::Lambda::Function of the template, resolved for the local runtime (which adds the account
 * and credentials); its environment holds the template's variables plus the local endpoint overrides.
 */
export type TemplateFunctionSpec = Omit<LocalFunctionSpec, 'region' | 'accountId' | 'credentials'>;

/** Lambda's defaults for CreateFunction: 3 s timeout, 128 MB (Lambda API reference). */
const LAMBDA_DEFAULTS = { timeoutSeconds: 3, memorySizeMb: 128 };

/**
 * Reads every function of the template. `endpointOverrides` are the SDK's service-specific endpoint
 * variables (AWS_ENDPOINT_URL_SQS, ...), added to each function's environment as LocalStack adds
 * AWS_ENDPOINT_URL to its Lambdas, so the SDK clients in the bundle reach the local services unchanged.
 */
export async function templateFunctions(
  stack: AssemblyStack,
  resolve: Resolve,
  isActive: (logicalId: string) => boolean,
  endpointOverrides: Readonly<Record<string, string>>,
  inlineCodeDir: string,
): Promise<TemplateFunctionSpec[]> {
  const specs: TemplateFunctionSpec[] = [];
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || !isActive(logicalId)) continue;
    const p = resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
    const code = (p.Code ?? {}) as { ZipFile?: string };
    let codeDir = stack.assetDirOf(logicalId);
    if (codeDir === undefined && typeof code.ZipFile === 'string') {
      // Inline code (Code.ZipFile) is written as index.js, as Lambda does for Node.js.
      codeDir = join(inlineCodeDir, logicalId);
      await mkdir(codeDir, { recursive: true });
      await writeFile(join(codeDir, 'index.js'), code.ZipFile);
    }
    if (codeDir === undefined) {
      throw new TemplateError(`${logicalId}.Code: no asset (Metadata aws:asset:path) and no inline ZipFile`);
    }
    const variables = ((p.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables ?? {};
    specs.push({
      logicalId,
      functionName: String(resolve({ Ref: logicalId }, logicalId)),
      arn: String(resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] }, logicalId)),
      codeDir,
      handler: String(p.Handler ?? fail(logicalId, 'Handler')),
      runtime: String(p.Runtime ?? fail(logicalId, 'Runtime')),
      environment: {
        ...Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)])),
        ...endpointOverrides,
      },
      timeoutSeconds: Number(p.Timeout ?? LAMBDA_DEFAULTS.timeoutSeconds),
      memorySizeMb: Number(p.MemorySize ?? LAMBDA_DEFAULTS.memorySizeMb),
      ...(p.ReservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrency: Number(p.ReservedConcurrentExecutions) }),
    });
  }
  return specs;
}

function fail(logicalId: string, property: string): never {
  throw new TemplateError(`${logicalId}.${property}: required to run the function`);
}
