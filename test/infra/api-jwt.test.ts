import { App, Duration, Stack } from 'aws-cdk-lib';
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEV_CORS_ORIGINS, servicePropsFromContext } from '../../infra/app-context.ts';
import type { JournalJwtAuthorization } from '../../infra/journal-api.ts';
import { JOURNAL_API_ROUTES } from '../../infra/journal-api-routes.ts';
import { CORS_ALLOWED_HEADERS } from '../../lib/http/cors.ts';
import { methodsOf, routeKey } from './api-methods.ts';
import {
  actionsOf,
  environmentOf,
  journalInStack,
  logicalIdOf,
  onlyResourceOf,
  resourcesOf,
  type SynthesizedJournal,
  statementsByRole,
  synthJournal,
} from './journal-synth.ts';

const JWT: JournalJwtAuthorization = {
  kind: 'jwt',
  issuer: 'https://auth.example.com/realms/hive',
  audience: ['hive-journal'],
  readScopes: ['journal.read'],
  writeScopes: ['journal.write'],
};

describe('journal API with bearer tokens (jwt)', () => {
  let journal: SynthesizedJournal;
  beforeAll(() => {
    journal = synthJournal({ api: { authorization: JWT, corsOrigins: ['https://hive.example.com'] } });
  });

  test('puts every route but /health behind one TOKEN authorizer on the Authorization header', () => {
    const [authorizerId, authorizer] = onlyResourceOf(journal.template, 'AWS::ApiGateway::Authorizer');
    const methods = resourcesOf(journal.template, 'AWS::ApiGateway::Method');
    const byKey = methodsOf(journal.template);

    expect(authorizer.Properties).toMatchObject({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    for (const route of JOURNAL_API_ROUTES) {
      const method = byKey.get(routeKey(route));
      expect(method?.authorizationType, routeKey(route)).toBe(route.access === 'public' ? 'NONE' : 'CUSTOM');
    }
    const custom = Object.values(methods).filter((m) => m.Properties.AuthorizationType === 'CUSTOM');
    expect(custom.length).toBe(JOURNAL_API_ROUTES.length - 1);
    for (const method of custom) expect(method.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
  });

  test('refuses what is not a bearer JWT in API Gateway, before the function runs', () => {
    const [, authorizer] = onlyResourceOf(journal.template, 'AWS::ApiGateway::Authorizer');
    const pattern = new RegExp(String(authorizer.Properties.IdentityValidationExpression));

    expect(pattern.test('Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln')).toBe(true);
    expect(pattern.test('bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln')).toBe(true);
    for (const bad of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer  two-spaces',
      'Bearer a b',
      'eyJhbGciOi.x.y',
    ]) {
      expect(pattern.test(bad), bad).toBe(false);
    }
  });

  test("gives the authorizer function the issuer's settings and no access to the database", () => {
    const fn = journal.service.api.authorizerFunction;
    if (!fn) throw new Error('no authorizer function');

    expect(environmentOf(journal.template, fn)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'hive-journal-authorizer',
      JOURNAL_JWT_ISSUER: 'https://auth.example.com/realms/hive',
      JOURNAL_JWT_AUDIENCE: 'hive-journal',
      JOURNAL_JWT_CLIENT_IDS: '',
      JOURNAL_JWT_PERMISSIONS_CLAIM: 'scope',
      JOURNAL_JWT_READ_SCOPES: 'journal.read',
      JOURNAL_JWT_WRITE_SCOPES: 'journal.write',
      JOURNAL_JWT_CLOCK_TOLERANCE_SECONDS: '30',
    });
    const environment = environmentOf(journal.template, fn);
    expect(Object.keys(environment).filter((name) => name.startsWith('JOURNAL_CLUSTER'))).toEqual([]);
    const statements = statementsByRole(journal.template).get(logicalIdOf(fn.role as Role));
    expect(statements, 'the authorizer role').toBeDefined();
    const actions = (statements ?? []).flatMap(actionsOf);
    // It writes its own logs, and that is all (X-Ray aside).
    expect(actions.some((action) => action.startsWith('logs:'))).toBe(true);
    expect(actions.filter((action) => action.startsWith('rds-data:'))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
  });

  test('carries the CORS headers on API Gateway’s own 4xx and 5xx answers', () => {
    const responses = Object.values(resourcesOf(journal.template, 'AWS::ApiGateway::GatewayResponse'));

    expect(responses.map((response) => response.Properties.ResponseType).sort()).toEqual([
      'DEFAULT_4XX',
      'DEFAULT_5XX',
    ]);
    for (const response of responses) {
      expect(response.Properties.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://hive.example.com'",
        'gatewayresponse.header.Access-Control-Allow-Headers': `'${CORS_ALLOWED_HEADERS.join(',')}'`,
      });
    }
  });

  test('answers preflights with the same allowed headers as the functions (lib/http/cors.ts)', () => {
    const options = Object.values(resourcesOf(journal.template, 'AWS::ApiGateway::Method')).filter(
      (method) => method.Properties.HttpMethod === 'OPTIONS',
    );

    expect(options.length).toBeGreaterThan(0);
    for (const method of options) {
      const integration = method.Properties.Integration as {
        IntegrationResponses: { ResponseParameters: Record<string, string> }[];
      };
      expect(
        integration.IntegrationResponses[0]?.ResponseParameters[
          'method.response.header.Access-Control-Allow-Headers'
        ],
      ).toBe(`'${CORS_ALLOWED_HEADERS.join(',')}'`);
    }
  });

  test('refuses IAM grants, which would let no one in', () => {
    const { stack, service } = journalInStack({ api: { authorization: JWT } });
    const caller = new Role(stack, 'Caller', { assumedBy: new AccountPrincipal('123456789012') });

    expect(() => service.grantRead(caller)).toThrow(/authorizes with bearer tokens/);
  });

  test('echoes the request origin on gateway answers when several origins are allowed', () => {
    const several = synthJournal({
      api: { authorization: JWT, corsOrigins: ['https://a.example.com', 'https://b.example.com'] },
    });
    const [response] = Object.values(resourcesOf(several.template, 'AWS::ApiGateway::GatewayResponse'));

    expect(response?.Properties.ResponseParameters).toMatchObject({
      'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
      'gatewayresponse.header.Vary': "'Origin'",
    });
  });

  test('customises no gateway answer when no origin is allowed', () => {
    const none = synthJournal({ api: { authorization: JWT } });

    expect(resourcesOf(none.template, 'AWS::ApiGateway::GatewayResponse')).toEqual({});
  });

  test('names every problem of a bad jwt authorization at once', () => {
    const build = () =>
      synthJournal({
        api: {
          authorization: {
            kind: 'jwt',
            issuer: 'http://auth.example.com',
            readScopes: [],
            writeScopes: ['journal write'],
            jwksUri: 'ftp://keys',
            permissionsClaim: 'bad claim',
            clockTolerance: Duration.minutes(10),
            cacheTtl: Duration.hours(2),
          },
        },
      });

    expect(build).toThrow(/api\.authorization\.issuer must be an https URL/);
    expect(build).toThrow(/api\.authorization\.audience JOURNAL_JWT_AUDIENCE or JOURNAL_JWT_CLIENT_IDS/);
    expect(build).toThrow(/api\.authorization\.readScopes/);
    expect(build).toThrow(/api\.authorization\.scopes must be printable, without spaces/);
    expect(build).toThrow(/api\.authorization\.jwksUri/);
    expect(build).toThrow(/api\.authorization\.permissionsClaim must be a claim name/);
    expect(build).toThrow(/api\.authorization\.clockTolerance must be whole seconds from 0 s to 300 s/);
    expect(build).toThrow(/api\.authorization\.cacheTtl must be whole seconds from 0 s to 3600 s/);
  });

  test('accepts an http issuer on loopback only (the local issuer)', () => {
    expect(() =>
      synthJournal({ api: { authorization: { ...JWT, issuer: 'http://127.0.0.1:4599' } } }),
    ).not.toThrow();
  });
});

describe('the app context', () => {
  const stack = () => new Stack(new App(), 'ContextTest');
  const reader = (context: Record<string, string>) => (name: string) => context[name];

  test('selects jwt with its issuer, audience, claim and scopes', () => {
    const props = servicePropsFromContext(
      reader({
        auth: 'jwt',
        jwtIssuer: 'https://auth.example.com',
        jwtAudience: 'hive-journal,hive-ui',
        jwtPermissionsClaim: 'roles',
        readScopes: 'journal-reader',
        writeScopes: 'journal-operator',
        authCacheTtlSeconds: '60',
      }),
      stack(),
    );

    expect(props.api?.authorization).toMatchObject({
      kind: 'jwt',
      issuer: 'https://auth.example.com',
      audience: ['hive-journal', 'hive-ui'],
      permissionsClaim: 'roles',
      readScopes: ['journal-reader'],
      writeScopes: ['journal-operator'],
    });
    const authorization = props.api?.authorization as JournalJwtAuthorization;
    expect(authorization.cacheTtl?.toSeconds()).toBe(60);
  });

  test('selects cognito with imported user pools', () => {
    const props = servicePropsFromContext(
      reader({
        auth: 'cognito',
        cognitoUserPoolIds: 'us-east-1_AbC123',
        readScopes: 'j/read',
        writeScopes: 'j/write',
      }),
      stack(),
    );

    expect(props.api?.authorization).toMatchObject({ kind: 'cognito', readScopes: ['j/read'] });
  });

  test('defaults to IAM, and dev to the local UI origins', () => {
    const props = servicePropsFromContext(reader({}), stack());

    expect(props.api?.authorization).toEqual({ kind: 'iam' });
    expect(props.api?.corsOrigins).toEqual(DEV_CORS_ORIGINS);
    expect(servicePropsFromContext(reader({ stage: 'prod' }), stack()).api?.corsOrigins).toEqual([]);
  });

  test('names every problem of the context at once', () => {
    const attempt = () =>
      servicePropsFromContext(
        reader({ auth: 'jwt', jwtAudience: 'x', cognitoUserPoolIds: 'p', authCacheTtlSeconds: 'soon' }),
        stack(),
      );

    expect(attempt).toThrow(/jwtIssuer is required with auth=jwt/);
    expect(attempt).toThrow(/readScopes is required with auth=jwt/);
    expect(attempt).toThrow(/writeScopes is required with auth=jwt/);
    expect(attempt).toThrow(/cognitoUserPoolIds does not apply to auth=jwt/);
    expect(attempt).toThrow(/authCacheTtlSeconds must be whole seconds/);
    expect(() => servicePropsFromContext(reader({ auth: 'oauth' }), stack())).toThrow(
      /auth must be iam, cognito or jwt \(got oauth\)/,
    );
  });
});
