import { SignatureV4 } from '@smithy/signature-v4';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { RestApi, type RestApiProps } from 'aws-cdk-lib/aws-apigateway';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Sha256 } from '../../lib/cli/sigv4-signer.ts';
import { buildRestApiModel } from '../../local/api-gateway/build-rest-api-model.ts';
import {
  startTemplateRestApi,
  type TemplateRestApi,
} from '../../local/api-gateway/start-template-rest-api.ts';
import type { InvokeFunction, InvokeOutcome } from '../../local/lambda-runtime/invoke-outcome.ts';
import { type CfnTemplate, type Resolve, TemplateError } from '../../local/template/cfn-template.ts';
import { CDK_CONTEXT, synthJournal } from '../infra/journal-synth.ts';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const API_ID = 'a1b2c3d4e5';
export const CREDENTIALS = {
  accessKeyId: 'AKIALOCALTESTKEY0001',
  secretAccessKey: 'local-test-secret/abc+123',
};

/**
 * A stand-in for the template loader's resolver: pseudo parameters, Ref (RestApi → API_ID, Stage →
 * its name, others → the logical id), GetAtt (function Arn, RootResourceId), Join, Select, Split, Sub.
 */
export function standInResolve(template: CfnTemplate): Resolve {
  const pseudo: Record<string, string> = {
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT_ID,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const ref = (name: string, where: string): unknown => {
    if (name in pseudo) return pseudo[name];
    const resource = template.Resources[name];
    if (resource?.Type === 'AWS::ApiGateway::RestApi') return API_ID;
    if (resource?.Type === 'AWS::ApiGateway::Stage') return resolve(resource.Properties?.StageName, where);
    if (resource?.Type === 'AWS::ApiGateway::Authorizer') return `auth-${name.toLowerCase().slice(0, 6)}`;
    if (resource) return name;
    throw new TemplateError(`${where}: Ref ${name} names nothing`);
  };
  const getAtt = (name: string, attribute: string, where: string): unknown => {
    const resource = template.Resources[name];
    if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
      return `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
    }
    if (resource?.Type === 'AWS::ApiGateway::RestApi' && attribute === 'RootResourceId') return 'rootid';
    throw new TemplateError(`${where}: Fn::GetAtt ${name}.${attribute} is not resolved by the stand-in`);
  };
  const resolve: Resolve = (value, where) => {
    if (Array.isArray(value)) return value.map((item, i) => resolve(item, `${where}[${i}]`));
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    if ('Ref' in record) return ref(String(record.Ref), where);
    if ('Fn::GetAtt' in record) {
      const [name, attribute] = record['Fn::GetAtt'] as [string, string];
      return getAtt(name, attribute, where);
    }
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return (resolve(parts, where) as unknown[]).join(separator);
    }
    if ('Fn::Select' in record) {
      const [index, list] = record['Fn::Select'] as [number, unknown];
      return (resolve(list, where) as unknown[])[Number(index)];
    }
    if ('Fn::Split' in record) {
      const [separator, source] = record['Fn::Split'] as [string, unknown];
      return String(resolve(source, where)).split(separator);
    }
    if ('Fn::Sub' in record) {
      const sub = record['Fn::Sub'];
      const [text, variables] = Array.isArray(sub)
        ? (sub as [string, Record<string, unknown>])
        : [String(sub), {}];
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in variables) return String(resolve(variables[name], where));
        const [target, attribute] = name.split('.');
        return String(attribute ? getAtt(target as string, attribute, where) : ref(name, where));
      });
    }
    return Object.fromEntries(
      Object.entries(record).map(([key, item]) => [key, resolve(item, `${where}.${key}`)]),
    );
  };
  return resolve;
}

/** The journal stack's template as `cdk synth` writes it (the functions' code not bundled). */
export function journalTemplate(
  api: { corsOrigins?: string[]; throttlingRateLimit?: number } = {},
): CfnTemplate {
  return synthJournal({ api }).template.toJSON() as CfnTemplate;
}

/** A small REST API synthesized by CDK, with the ARN the stand-in resolver gives each function. */
export interface SynthesizedApi {
  readonly template: CfnTemplate;
  readonly arnOf: (fn: LambdaFunction) => string;
}

/**
 * Synthesizes a REST API that `define` shapes (methods, authorizers, gateway responses); `fn` makes
 * a Lambda function for it to integrate. CDK writes the resources, so they are exactly its output.
 */
export function synthApi(
  define: (api: RestApi, fn: (id: string) => LambdaFunction) => void,
  props: RestApiProps = {},
): SynthesizedApi {
  const app = new App({ context: CDK_CONTEXT });
  const stack = new Stack(app, 'LocalRestApiTest');
  const api = new RestApi(stack, 'Api', { deployOptions: { stageName: 'v1' }, ...props });
  const fn = (id: string) =>
    new LambdaFunction(stack, id, {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    });
  define(api, fn);
  const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
  return {
    template,
    arnOf: (target) =>
      `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${stack.getLogicalId(target.node.defaultChild as CfnElement)}`,
  };
}

/** A template without one method (and the permissions of that method), as if the route were not declared. */
export function withoutMethod(template: CfnTemplate, methodLogicalId: string): CfnTemplate {
  const { [methodLogicalId]: _removed, ...resources } = template.Resources;
  return { ...template, Resources: resources };
}

/** The logical id of `METHOD` on the resource whose PathPart is `pathPart`. */
export function methodOfRoute(template: CfnTemplate, httpMethod: string, pathPart: string): string {
  const found = Object.entries(template.Resources).filter(([, resource]) => {
    if (resource.Type !== 'AWS::ApiGateway::Method' || resource.Properties?.HttpMethod !== httpMethod)
      return false;
    const resourceRef = (resource.Properties?.ResourceId as { Ref?: string } | undefined)?.Ref;
    return resourceRef !== undefined && template.Resources[resourceRef]?.Properties?.PathPart === pathPart;
  });
  // Several resources may share a path part (/health and /api/swarms/{swarmId}/health): the one
  // under the root (its parent the API's RootResourceId, not another resource) is meant.
  const underRoot = found.find(([, method]) => {
    const resourceRef = (method.Properties?.ResourceId as { Ref?: string } | undefined)?.Ref ?? '';
    const parent = template.Resources[resourceRef]?.Properties?.ParentId as { Ref?: string } | undefined;
    return parent?.Ref === undefined;
  });
  const chosen = underRoot ?? found[0];
  if (!chosen) throw new Error(`no ${httpMethod} method on a resource ${pathPart}`);
  return chosen[0];
}

/** A call the gateway made to a function. */
export interface Invocation {
  readonly functionArn: string;
  readonly event: Record<string, unknown>;
}

/** An InvokeFunction that records every call and answers with `answer` (a 200 echo by default). */
export function recordingInvoke(
  answer: (invocation: Invocation) => Promise<InvokeOutcome> | InvokeOutcome = () => ({
    kind: 'returned',
    payload: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' },
  }),
): InvokeFunction & { readonly calls: Invocation[] } {
  const calls: Invocation[] = [];
  const invoke = async (functionArn: string, event: unknown) => {
    const invocation = { functionArn, event: event as Record<string, unknown> };
    calls.push(invocation);
    return answer(invocation);
  };
  return Object.assign(invoke, { calls });
}

/** Builds the model of `template` and serves it on a free port, IAM enforced unless asked. */
export async function serveTemplate(
  template: CfnTemplate,
  invoke: InvokeFunction,
  options: { authorization?: 'enforce' | 'open'; log?: (line: string) => void } = {},
): Promise<TemplateRestApi> {
  return startTemplateRestApi({
    model: buildRestApiModel(template, standInResolve(template)),
    invoke,
    region: REGION,
    accountId: ACCOUNT_ID,
    credentials: CREDENTIALS,
    port: 0,
    authorization: options.authorization ?? 'enforce',
    ...(options.log ? { log: options.log } : {}),
  });
}

export interface SignedRequest {
  readonly method?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly region?: string;
  readonly service?: string;
  readonly signingDate?: Date;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The headers that sign a request to `url` (Authorization, X-Amz-Date, x-amz-content-sha256). */
export async function signRequest(url: string, request: SignedRequest = {}): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: request.service ?? 'execute-api',
    region: request.region ?? REGION,
    credentials: request.credentials ?? CREDENTIALS,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query: queryOf(target.searchParams),
      headers: { host: target.host, ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    request.signingDate ? { signingDate: request.signingDate } : {},
  );
  const { host: _host, ...headers } = signed.headers as Record<string, string>;
  return headers;
}

/** fetch with a SigV4 signature made for exactly this request. */
export async function signedFetch(url: string, request: SignedRequest = {}): Promise<Response> {
  const headers = await signRequest(url, request);
  return fetch(url, {
    method: request.method ?? 'GET',
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}

// Repeated parameters (?kind=a&kind=b) are signed as a list, every value in the canonical query.
function queryOf(parameters: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(parameters.keys())) {
    const values = parameters.getAll(name);
    query[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}
