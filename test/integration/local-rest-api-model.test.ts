import {
  HttpIntegration,
  LambdaIntegration,
  MockIntegration,
  PassthroughBehavior,
} from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, test } from 'vitest';
import { buildRestApiModel } from '../../local/api-gateway/build-rest-api-model.ts';
import type { ApiResource } from '../../local/api-gateway/rest-api-model.ts';
import type { CfnTemplate } from '../../local/template/cfn-template.ts';
import { journalTemplate, standInResolve, synthApi } from '../support/local-rest-api-fixtures.ts';

const build = (template: CfnTemplate) => buildRestApiModel(template, standInResolve(template));

function routesOf(resource: ApiResource): string[] {
  return [
    ...[...resource.methods.keys()].map((method) => `${method} ${resource.path}`),
    ...resource.children.flatMap(routesOf),
  ];
}

test('the synthesized journal API is read with its resource paths, authorization, stage and throttle', () => {
  const model = build(journalTemplate());

  expect(routesOf(model.root).sort()).toEqual(
    [
      'DELETE /api/journal/captures/{captureId}',
      'GET /api/journal/captures',
      'GET /api/journal/hive/page',
      'GET /api/journal/swarm/runs',
      'GET /api/openapi.json',
      'GET /api/swarms/{swarmId}/health',
      'GET /api/swarms/{swarmId}/journal',
      'GET /api/swarms/{swarmId}/journal/page',
      'GET /api/swarms/{swarmId}/journal/runs',
      'GET /health',
      'GET /health/ready',
      'GET /metrics',
      'POST /api/journal/swarm/runs/{runId}/meta',
      'POST /api/swarms/{swarmId}/journal/pin',
    ].sort(),
  );
  expect(model.stage).toMatchObject({ name: 'v1', defaultThrottle: { rateLimit: 50, burstLimit: 100 } });
  const health = model.root.children.find((child) => child.path === '/health');
  expect(health?.methods.get('GET')?.authorization).toEqual({ kind: 'none' });
});

describe('a template the local gateway would serve differently is refused, naming what', () => {
  test('two REST APIs', () => {
    const { template } = synthApi((api, fn) => {
      api.root.addMethod('GET', new LambdaIntegration(fn('Root')));
    });
    const twice: CfnTemplate = {
      ...template,
      Resources: {
        ...template.Resources,
        Other: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'x' } },
      },
    };

    expect(() => build(twice)).toThrow(
      /exactly one AWS::ApiGateway::RestApi; the template has 2 \(Api\w+, Other\)/,
    );
  });

  test('an HTTP integration', () => {
    const { template } = synthApi((api) => {
      api.root.addResource('upstream').addMethod('GET', new HttpIntegration('https://example.com'));
    });

    expect(() => build(template)).toThrow(
      /^Apiupstream\w+\.Properties\.Integration\.Type HTTP_PROXY is not emulated/,
    );
  });

  test('a MOCK integration with a mapping template other than the CORS one CDK writes', () => {
    const { template } = synthApi((api) => {
      api.root.addResource('mocked').addMethod(
        'GET',
        new MockIntegration({
          passthroughBehavior: PassthroughBehavior.NEVER,
          requestTemplates: { 'application/json': '{ "statusCode": 200 }' },
          integrationResponses: [
            { statusCode: '200', responseTemplates: { 'application/json': '#set($x = 1)$x' } },
          ],
        }),
        { methodResponses: [{ statusCode: '200' }] },
      );
    });

    expect(() => build(template)).toThrow(
      /^Apimocked\w+\.Properties\.Integration\.IntegrationResponses\[0\]\.ResponseTemplates\.application\/json: the local API Gateway evaluates only the CORS response template CDK generates/,
    );
  });

  test('a method that requires an API key', () => {
    const { template } = synthApi((api, fn) => {
      api.root
        .addResource('keyed')
        .addMethod('GET', new LambdaIntegration(fn('Keyed')), { apiKeyRequired: true });
    });

    expect(() => build(template)).toThrow(
      /^Apikeyed\w+\.Properties\.ApiKeyRequired: API keys and usage plans/,
    );
  });

  test('a RestApi with a resource policy', () => {
    const template = journalTemplate();
    const [apiId] =
      Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::ApiGateway::RestApi') ?? [];
    const withPolicy: CfnTemplate = {
      ...template,
      Resources: {
        ...template.Resources,
        [apiId as string]: {
          ...(template.Resources[apiId as string] as CfnTemplate['Resources'][string]),
          Properties: { Name: 'api', Policy: { Statement: [] } },
        },
      },
    };

    expect(() => build(withPolicy)).toThrow(
      `${apiId}.Properties.Policy is not emulated by the local API Gateway`,
    );
  });
});
