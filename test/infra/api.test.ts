import { Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, test } from 'vitest';
import { JOURNAL_API_ROUTES } from '../../infra/journal-api-routes.ts';
import { readRoutes, writeRoutes } from '../../lib/api/api-routes.ts';
import { type ApiMethod, methodsOf, routeKey } from './api-methods.ts';
import {
  actionsOf,
  environmentOf,
  journalInStack,
  logicalIdOf,
  only,
  onlyResourceOf,
  render,
  resourcesIn,
  resourcesOf,
  type SynthesizedJournal,
  statementsByRole,
  synthJournal,
} from './journal-synth.ts';

describe('journal API (defaults)', () => {
  let journal: SynthesizedJournal;
  let methods: Map<string, ApiMethod>;
  beforeAll(() => {
    journal = synthJournal();
    methods = methodsOf(journal.template);
  });

  test('is one regional REST API', () => {
    const [, api] = onlyResourceOf(journal.template, 'AWS::ApiGateway::RestApi');

    expect(api.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(resourcesOf(journal.template, 'AWS::ApiGatewayV2::Api')).toEqual({});
  });

  test('serves exactly the journal routes, with no CORS preflight when no origin is allowed', () => {
    expect([...methods.keys()].sort()).toEqual(JOURNAL_API_ROUTES.map(routeKey).sort());
  });

  test('serves what the API functions route (lib/api/api-routes.ts), with the same access', () => {
    const served = [...readRoutes, ...writeRoutes].map((route) => `${routeKey(route)} ${route.doc.access}`);

    expect(JOURNAL_API_ROUTES.map((route) => `${routeKey(route)} ${route.access}`).sort()).toEqual(
      served.sort(),
    );
  });

  test('sends GET routes to the read function and POST/DELETE routes to the write function', () => {
    const read = logicalIdOf(journal.service.api.readFunction);
    const write = logicalIdOf(journal.service.api.writeFunction);
    for (const route of JOURNAL_API_ROUTES) {
      const method = methods.get(routeKey(route));

      expect(method?.integrationType, routeKey(route)).toBe('AWS_PROXY');
      expect(method?.integrationUri, routeKey(route)).toContain(
        `\${${route.method === 'GET' ? read : write}.Arn}`,
      );
    }
  });

  test('requires IAM authorization on every route but /health', () => {
    for (const route of JOURNAL_API_ROUTES) {
      expect(methods.get(routeKey(route))?.authorizationType, routeKey(route)).toBe(
        route.path === '/health' ? 'NONE' : 'AWS_IAM',
      );
    }
  });

  test('traces with X-Ray, throttles, and logs errors on the stage', () => {
    const [, stage] = onlyResourceOf(journal.template, 'AWS::ApiGateway::Stage');

    expect(stage.Properties).toMatchObject({
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
        },
      ],
    });
  });

  test('writes JSON access logs to its own log group', () => {
    const [, stage] = onlyResourceOf(journal.template, 'AWS::ApiGateway::Stage');
    const settings = stage.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };
    const sample = settings.Format.replace(/\$context\.error\.messageString/g, '"quoted message"').replace(
      /\$context\.[\w.]+/g,
      'value',
    );

    expect(render(settings.DestinationArn)).toContain(`\${${logicalIdOf(journal.service.api.accessLogs)}}`);
    expect(Object.keys(JSON.parse(sample))).toEqual(
      expect.arrayContaining([
        'requestId',
        'status',
        'resourcePath',
        'caller',
        'xrayTraceId',
        'errorMessage',
      ]),
    );
  });

  test('gives the read function the migrations (for /health) and no cross-origin browser access', () => {
    const fn = resourcesOf(journal.template, 'AWS::Lambda::Function')[
      logicalIdOf(journal.service.api.readFunction)
    ];

    expect(fn?.Properties.Environment).toMatchObject({
      Variables: { JOURNAL_MIGRATIONS_DIR: '/var/task/migrations', JOURNAL_CORS_ALLOWED_ORIGINS: '' },
    });
  });

  test("gives the read function, and only it, the dead-letter queues' URLs (for /metrics)", () => {
    const { api, ingest, maintenance } = journal.service;

    expect(environmentOf(journal.template, api.readFunction)).toMatchObject({
      JOURNAL_INGEST_DLQ_URL: { Ref: logicalIdOf(ingest.deadLetterQueue) },
      JOURNAL_MAINTENANCE_DLQ_URL: { Ref: logicalIdOf(maintenance.deadLetterQueue) },
    });
    expect(Object.keys(environmentOf(journal.template, api.writeFunction))).not.toContain(
      'JOURNAL_INGEST_DLQ_URL',
    );
    expect(Object.keys(environmentOf(journal.template, api.writeFunction))).not.toContain(
      'JOURNAL_MAINTENANCE_DLQ_URL',
    );
  });

  test('creates the regional API Gateway logging role', () => {
    onlyResourceOf(journal.template, 'AWS::ApiGateway::Account');
  });
});

describe('journal API grants', () => {
  const grant = (kind: 'read' | 'write') => {
    const { stack, service } = journalInStack();
    const caller = new Role(stack, 'Caller', { assumedBy: new AccountPrincipal('123456789012') });
    if (kind === 'read') service.grantRead(caller);
    else service.grantWrite(caller);
    const statement = only(statementsByRole(Template.fromStack(stack)).get(logicalIdOf(caller)) ?? []);
    return { statement, stageId: logicalIdOf(service.api.restApi.deploymentStage) };
  };
  const routesOf = (access: string) =>
    JOURNAL_API_ROUTES.filter((route) => route.access === access).map(
      (route) => `/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`,
    );
  const methodPaths = (resources: string[], stageId: string) =>
    resources.map((arn) => {
      expect(arn).toMatch(/^arn:\$\{AWS::Partition\}:execute-api:\$\{AWS::Region\}:\$\{AWS::AccountId\}:/);
      return arn.slice(arn.indexOf(`/\${${stageId}}`) + `/\${${stageId}}`.length);
    });

  test('grantRead allows execute-api:Invoke on the read routes of the stage and nothing else', () => {
    const { statement, stageId } = grant('read');

    expect(actionsOf(statement)).toEqual(['execute-api:Invoke']);
    expect(methodPaths(resourcesIn(statement), stageId).sort()).toEqual(routesOf('read').sort());
  });

  test('grantWrite allows execute-api:Invoke on the write routes of the stage and nothing else', () => {
    const { statement, stageId } = grant('write');

    expect(actionsOf(statement)).toEqual(['execute-api:Invoke']);
    expect(methodPaths(resourcesIn(statement), stageId).sort()).toEqual(
      [
        '/POST/api/journal/swarm/runs/*/meta',
        '/POST/api/swarms/*/journal/pin',
        '/DELETE/api/journal/captures/*',
      ].sort(),
    );
  });
});

describe('journal API (props)', () => {
  const webAclArn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/journal/abc';
  let journal: SynthesizedJournal;
  let methods: Map<string, ApiMethod>;
  beforeAll(() => {
    journal = synthJournal({
      api: {
        publicMetrics: true,
        corsOrigins: ['https://hive.example.com'],
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
        webAclArn,
        cloudWatchRole: false,
      },
    });
    methods = methodsOf(journal.template);
  });

  test('serves /metrics without authorization when publicMetrics is set', () => {
    expect(methods.get('GET /metrics')?.authorizationType).toBe('NONE');
    expect(methods.get('GET /api/journal/captures')?.authorizationType).toBe('AWS_IAM');
  });

  test('opens nothing else with publicMetrics and CORS: every other route, writes included, requires IAM', () => {
    for (const route of JOURNAL_API_ROUTES) {
      const open = route.path === '/health' || route.path === '/metrics';
      expect(methods.get(routeKey(route))?.authorizationType, routeKey(route)).toBe(
        open ? 'NONE' : 'AWS_IAM',
      );
    }
  });

  test('answers preflights in API Gateway itself: no method without authorization reaches a function but /health and /metrics', () => {
    const unauthorized = [...methods.values()].filter((method) => method.authorizationType === 'NONE');

    expect(
      unauthorized
        .filter((method) => method.integrationType !== 'MOCK')
        .map((method) => method.key)
        .sort(),
    ).toEqual(['GET /health', 'GET /metrics']);
    for (const method of unauthorized.filter((m) => m.integrationType === 'MOCK'))
      expect(method.key, method.key).toMatch(/^OPTIONS /);
  });

  test('answers CORS preflights for the allowed origins and tells the functions the same origins', () => {
    const options = [...methods.values()].filter((method) => method.key.startsWith('OPTIONS '));

    expect(options.length).toBeGreaterThan(0);
    for (const method of options) expect(method.authorizationType).toBe('NONE');
    expect(JSON.stringify(journal.template.toJSON())).toContain("'https://hive.example.com'");
    expect(environmentOf(journal.template, journal.service.api.writeFunction)).toMatchObject({
      JOURNAL_CORS_ALLOWED_ORIGINS: 'https://hive.example.com',
    });
  });

  test('throttles the stage as the props say', () => {
    journal.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [{ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }],
    });
  });

  test('associates a WAF web ACL with the stage when given one', () => {
    const [, association] = onlyResourceOf(journal.template, 'AWS::WAFv2::WebACLAssociation');

    expect(association.Properties.WebACLArn).toBe(webAclArn);
    expect(render(association.Properties.ResourceArn)).toContain(
      `/stages/\${${logicalIdOf(journal.service.api.restApi.deploymentStage)}}`,
    );
  });

  test('leaves the API Gateway logging role out when the account has one', () => {
    expect(resourcesOf(journal.template, 'AWS::ApiGateway::Account')).toEqual({});
  });
});

describe('journal API with a Cognito user pool', () => {
  const withUserPool = () =>
    journalInStack((stack) => ({
      api: {
        authorization: {
          kind: 'cognito',
          userPools: [new UserPool(stack, 'Users')],
          readScopes: ['journal/read'],
          writeScopes: ['journal/write'],
        },
      },
    }));

  test('refuses a Cognito authorization without a user pool or scopes', () => {
    const build = () =>
      journalInStack({
        api: {
          authorization: { kind: 'cognito', userPools: [], readScopes: [], writeScopes: ['journal/write'] },
        },
      });

    expect(build).toThrow(/api\.authorization\.userPools must name a user pool/);
    expect(build).toThrow(/api\.authorization\.readScopes must not be empty/);
  });

  test('authorizes read routes with the read scopes and write routes with the write scopes', () => {
    const { stack } = withUserPool();
    const template = Template.fromStack(stack);
    const methods = methodsOf(template);

    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
    for (const route of JOURNAL_API_ROUTES) {
      const method = methods.get(routeKey(route));
      const expected =
        route.access === 'public'
          ? { authorizationType: 'NONE', scopes: undefined }
          : {
              authorizationType: 'COGNITO_USER_POOLS',
              scopes: [route.access === 'read' ? 'journal/read' : 'journal/write'],
            };

      expect(
        { authorizationType: method?.authorizationType, scopes: method?.scopes },
        routeKey(route),
      ).toEqual(expected);
    }
  });

  test('refuses IAM grants, which would let no one in', () => {
    const { stack, service } = withUserPool();
    const caller = new Role(stack, 'Caller', { assumedBy: new AccountPrincipal('123456789012') });

    expect(() => service.grantRead(caller)).toThrow(/authorizes with Cognito/);
    expect(() => service.grantWrite(caller)).toThrow(/authorizes with Cognito/);
  });
});
