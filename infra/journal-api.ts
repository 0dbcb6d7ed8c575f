import { readFileSync } from 'node:fs';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IAuthorizer,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  type MethodOptions,
  ResponseType,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { DEAD_LETTER_QUEUE_URL_ENV } from '../lib/config/api-config.ts';
import { AuthorizerEnv } from '../lib/config/authorizer-config.ts';
import { CORS_ALLOWED_HEADERS } from '../lib/http/cors.ts';
import { DEAD_LETTER_QUEUES, type DeadLetterQueueName } from '../lib/use-cases/read-metrics.ts';
import { JOURNAL_API_ROUTES, type JournalApiRoute } from './journal-api-routes.ts';
import type { JournalDatabase } from './journal-database.ts';
import { JournalFunction, type JournalFunctionDefaults } from './journal-function.ts';
import type { PropsProblems } from './props-problems.ts';

/**
 * Who may call the API. `iam` (the default): callers sign with SigV4 and need grantRead/grantWrite.
 * `jwt`: callers present a bearer token of an OIDC issuer (the Hive UI's auth service), verified by
 * a Lambda authorizer; its permissions claim must name one of readScopes (read routes) or
 * writeScopes (write routes). `cognito`: a Cognito user pool access token whose OAuth scopes include
 * readScopes or writeScopes, checked by API Gateway's own Cognito authorizer.
 */
export type JournalApiAuthorization =
  | { readonly kind: 'iam' }
  | JournalJwtAuthorization
  | {
      readonly kind: 'cognito';
      readonly userPools: readonly IUserPool[];
      /** OAuth scopes (resource server scopes of the pool) that allow the read routes. */
      readonly readScopes: readonly string[];
      /** OAuth scopes that allow the write routes. */
      readonly writeScopes: readonly string[];
    };

/** Bearer tokens of any OIDC issuer, verified by the journal's authorizer function (aws-jwt-verify). */
export interface JournalJwtAuthorization {
  readonly kind: 'jwt';
  /** The `iss` of the tokens, exactly (https; http only on loopback). */
  readonly issuer: string;
  /** Accepted `aud` values (any one). At least one audience or client id is required. */
  readonly audience?: readonly string[];
  /** Accepted `client_id` values (access tokens of Cognito, Okta, Auth0 carry one). */
  readonly clientIds?: readonly string[];
  /** Where the issuer's keys are. Default: the jwks_uri of its discovery document. */
  readonly jwksUri?: string;
  /** The claim holding the caller's permissions: scope (default), scp, roles, groups, ... */
  readonly permissionsClaim?: string;
  /** Permissions (any one) that allow the read routes. */
  readonly readScopes: readonly string[];
  /** Permissions (any one) that allow the write routes; write does not imply read. */
  readonly writeScopes: readonly string[];
  /** Leeway on exp and nbf for clock skew, 0 to 300 s. Default: 30 s. */
  readonly clockTolerance?: Duration;
  /**
   * How long API Gateway keeps a token's decision, 0 (no cache) to 3600 s. A revoked or expired
   * token is honoured for at most this long after. Default: 5 minutes (API Gateway's own).
   */
  readonly cacheTtl?: Duration;
}

export interface JournalApiOptions {
  /** Default: IAM. */
  readonly authorization?: JournalApiAuthorization;
  /** Browser origins allowed to call (the Hive UI's), or ['*']. Default: none (no CORS). */
  readonly corsOrigins?: readonly string[];
  /** Serve GET /metrics without authorization (for a Prometheus scraper). Default: false. */
  readonly publicMetrics?: boolean;
  /** Default: v1. */
  readonly stageName?: string;
  /** Steady requests per second over the stage. Default: 50. */
  readonly throttlingRateLimit?: number;
  /** Burst of requests over the stage. Default: 100. */
  readonly throttlingBurstLimit?: number;
  /** Read function timeout, 1 to 29 s (API Gateway answers 504 at 29 s). Default: 20 s. */
  readonly readTimeout?: Duration;
  /** Write function timeout, 1 to 29 s (pins archive synchronously for up to ~10 s). Default: 28 s. */
  readonly writeTimeout?: Duration;
  /** Reserved concurrency of the read function. Default: none (unreserved). */
  readonly readConcurrency?: number;
  /** Reserved concurrency of the write function. Default: none (unreserved). */
  readonly writeConcurrency?: number;
  /** Default: 1,024 MB for each function. */
  readonly memorySize?: number;
  /**
   * Create the regional API Gateway account role that lets API Gateway write the access and
   * execution logs. Leave false when the account already has one (one per region). Default: true.
   */
  readonly cloudWatchRole?: boolean;
  /** A regional WAFv2 web ACL to associate with the stage. Default: none. */
  readonly webAclArn?: string;
  /** Links the read answers carry (docs/deploy.md, "Links"). Default: none. */
  readonly links?: JournalApiLinks;
}

/** Where journal answers link to, per run and per event. */
export interface JournalApiLinks {
  /** Grafana's base URL, e.g. https://grafana.example.com: dashboard links with the filters pre-filled. */
  readonly grafanaUrl?: string;
  /** The uid of the journal dashboard in that Grafana. Default: the repository dashboard's. */
  readonly grafanaDashboardUid?: string;
  /**
   * X-Ray trace links (and with log groups, Logs Insights queries) for events with a trace id, in
   * the deployment's region.
   */
  readonly awsConsole?: { readonly traceLogGroupNames?: readonly string[] };
}

export interface JournalApiSettings {
  readonly authorization: JournalApiAuthorization;
  readonly corsOrigins: readonly string[];
  readonly publicMetrics: boolean;
  readonly stageName: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly readTimeout: Duration;
  readonly writeTimeout: Duration;
  readonly readConcurrency: number | undefined;
  readonly writeConcurrency: number | undefined;
  readonly memorySize: number;
  readonly cloudWatchRole: boolean;
  readonly webAclArn: string | undefined;
  readonly links: JournalApiLinks;
}

export function resolveApiSettings(
  options: JournalApiOptions = {},
  problems: PropsProblems,
): JournalApiSettings {
  const settings: JournalApiSettings = {
    authorization: options.authorization ?? { kind: 'iam' },
    corsOrigins: options.corsOrigins ?? [],
    publicMetrics: options.publicMetrics ?? false,
    stageName: options.stageName ?? 'v1',
    throttlingRateLimit: options.throttlingRateLimit ?? 50,
    throttlingBurstLimit: options.throttlingBurstLimit ?? 100,
    readTimeout: options.readTimeout ?? Duration.seconds(20),
    writeTimeout: options.writeTimeout ?? Duration.seconds(28),
    readConcurrency: options.readConcurrency,
    writeConcurrency: options.writeConcurrency,
    memorySize: options.memorySize ?? 1024,
    cloudWatchRole: options.cloudWatchRole ?? true,
    webAclArn: options.webAclArn,
    links: options.links ?? {},
  };
  const { authorization } = settings;
  if (authorization.kind === 'cognito') {
    if (authorization.userPools.length === 0)
      problems.add('api.authorization.userPools', 'must name a user pool');
    if (authorization.readScopes.length === 0)
      problems.add('api.authorization.readScopes', 'must not be empty');
    if (authorization.writeScopes.length === 0)
      problems.add('api.authorization.writeScopes', 'must not be empty');
  }
  if (authorization.kind === 'jwt') checkJwtAuthorization(authorization, problems);
  for (const origin of settings.corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s,]+$/.test(origin)) {
      problems.add('api.corsOrigins', `must hold origins like https://hive.example.com or * (got ${origin})`);
    }
  }
  if (!/^[A-Za-z0-9_]{1,128}$/.test(settings.stageName)) {
    problems.add('api.stageName', 'must be letters, digits and underscores');
  }
  problems.integer('api.throttlingRateLimit', settings.throttlingRateLimit, 1, 10_000);
  problems.integer('api.throttlingBurstLimit', settings.throttlingBurstLimit, 1, 5_000);
  problems.seconds('api.readTimeout', settings.readTimeout, 1, 29);
  problems.seconds('api.writeTimeout', settings.writeTimeout, 1, 29);
  if (settings.readConcurrency !== undefined)
    problems.integer('api.readConcurrency', settings.readConcurrency, 1, 1000);
  if (settings.writeConcurrency !== undefined) {
    problems.integer('api.writeConcurrency', settings.writeConcurrency, 1, 1000);
  }
  problems.integer('api.memorySize', settings.memorySize, 128, 10_240);
  checkLinks(settings.links, problems);
  return settings;
}

function checkLinks(links: JournalApiLinks, problems: PropsProblems): void {
  const { grafanaUrl, grafanaDashboardUid, awsConsole } = links;
  if (
    grafanaUrl !== undefined &&
    !Token.isUnresolved(grafanaUrl) &&
    !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(grafanaUrl)
  ) {
    problems.add(
      'api.links.grafanaUrl',
      `must be an http(s) URL without query or fragment (got ${grafanaUrl})`,
    );
  }
  if (grafanaDashboardUid !== undefined && !/^[\w-]{1,40}$/.test(grafanaDashboardUid)) {
    problems.add(
      'api.links.grafanaDashboardUid',
      'must be a Grafana dashboard uid (letters, digits, - and _)',
    );
  }
  if (grafanaDashboardUid !== undefined && grafanaUrl === undefined) {
    problems.add('api.links.grafanaDashboardUid', 'needs grafanaUrl');
  }
  for (const name of awsConsole?.traceLogGroupNames ?? []) {
    if (!/^[\w\-/.#]{1,512}$/.test(name))
      problems.add('api.links.awsConsole.traceLogGroupNames', `holds an invalid log group name (${name})`);
  }
}

/** The uid of the dashboard this repository provisions (grafana/dashboards/hive-journal.json). */
const REPOSITORY_DASHBOARD_UID: string = JSON.parse(
  readFileSync(new URL('../grafana/dashboards/hive-journal.json', import.meta.url), 'utf8'),
).uid;

/** The read function's environment for the links it puts in its answers (lib/config/links-config.ts). */
export function linksEnvironment(links: JournalApiLinks, region: string): Record<string, string> {
  return {
    ...(links.grafanaUrl === undefined
      ? {}
      : {
          JOURNAL_GRAFANA_URL: links.grafanaUrl,
          JOURNAL_GRAFANA_DASHBOARD_UID: links.grafanaDashboardUid ?? REPOSITORY_DASHBOARD_UID,
        }),
    ...(links.awsConsole === undefined
      ? {}
      : {
          JOURNAL_CONSOLE_REGION: region,
          JOURNAL_TRACE_LOG_GROUPS: (links.awsConsole.traceLogGroupNames ?? []).join(','),
        }),
  };
}

// The authorizer function's environment schema checks the same values at synth: one rule, two places.
const JWT_ENV_PROP: Readonly<Record<string, string>> = {
  JOURNAL_JWT_ISSUER: 'issuer',
  JOURNAL_JWT_AUDIENCE: 'audience',
  JOURNAL_JWT_CLIENT_IDS: 'clientIds',
  JOURNAL_JWT_JWKS_URI: 'jwksUri',
  JOURNAL_JWT_PERMISSIONS_CLAIM: 'permissionsClaim',
  JOURNAL_JWT_READ_SCOPES: 'readScopes',
  JOURNAL_JWT_WRITE_SCOPES: 'writeScopes',
  JOURNAL_JWT_CLOCK_TOLERANCE_SECONDS: 'clockTolerance',
};

/** The authorizer function's environment for a jwt authorization. */
export function jwtAuthorizerEnvironment(authorization: JournalJwtAuthorization): Record<string, string> {
  return {
    JOURNAL_JWT_ISSUER: authorization.issuer,
    JOURNAL_JWT_AUDIENCE: (authorization.audience ?? []).join(','),
    JOURNAL_JWT_CLIENT_IDS: (authorization.clientIds ?? []).join(','),
    ...(authorization.jwksUri === undefined ? {} : { JOURNAL_JWT_JWKS_URI: authorization.jwksUri }),
    JOURNAL_JWT_PERMISSIONS_CLAIM: authorization.permissionsClaim ?? 'scope',
    JOURNAL_JWT_READ_SCOPES: authorization.readScopes.join(','),
    JOURNAL_JWT_WRITE_SCOPES: authorization.writeScopes.join(','),
    JOURNAL_JWT_CLOCK_TOLERANCE_SECONDS: String(
      (authorization.clockTolerance ?? Duration.seconds(30)).toSeconds(),
    ),
  };
}

function checkJwtAuthorization(authorization: JournalJwtAuthorization, problems: PropsProblems): void {
  const result = AuthorizerEnv.safeParse(jwtAuthorizerEnvironment(authorization));
  for (const issue of result.success ? [] : result.error.issues) {
    const prop = JWT_ENV_PROP[String(issue.path[0])] ?? String(issue.path[0]);
    problems.add(`api.authorization.${prop}`, issue.message);
  }
  for (const scope of [...authorization.readScopes, ...authorization.writeScopes]) {
    if (!/^[\x21-\x7e]{1,256}$/.test(scope) || scope.includes(',')) {
      problems.add(
        'api.authorization.scopes',
        `must be printable, without spaces or commas (got ${JSON.stringify(scope)})`,
      );
    }
  }
  problems.seconds(
    'api.authorization.clockTolerance',
    authorization.clockTolerance ?? Duration.seconds(30),
    0,
    300,
  );
  problems.seconds('api.authorization.cacheTtl', authorization.cacheTtl ?? Duration.minutes(5), 0, 3600);
}

export interface JournalApiProps {
  readonly settings: JournalApiSettings;
  readonly database: JournalDatabase;
  readonly defaults: JournalFunctionDefaults;
  /** The service's dead-letter queues: GET /metrics reports their depth (hive_journal_dead_letter_messages). */
  readonly deadLetterQueues: Readonly<Record<DeadLetterQueueName, IQueue>>;
}

/**
 * The journal's REST API (Lambda proxy integrations, payload 1.0): GET routes on the api-read
 * function, POST and DELETE on api-write, so reads never queue behind long pins and each side has its
 * own timeout and concurrency. Every route needs authorization except /health (and /metrics when
 * asked); the stage traces with X-Ray, throttles, and writes JSON access logs.
 */
export class JournalApi extends Construct {
  readonly restApi: RestApi;
  readonly readFunction: JournalFunction;
  readonly writeFunction: JournalFunction;
  /** The bearer-token authorizer's function (jwt authorization only). */
  authorizerFunction: JournalFunction | undefined;
  readonly accessLogs: LogGroup;
  readonly authorization: JournalApiAuthorization;
  readonly #methods: Record<JournalApiRoute['access'], Method[]> = { read: [], write: [], public: [] };

  constructor(scope: Construct, id: string, props: JournalApiProps) {
    super(scope, id);
    const { settings, defaults, database } = props;
    this.authorization = settings.authorization;
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: defaults.logRetention,
      removalPolicy: defaults.logRemovalPolicy,
    });
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `${defaults.serviceName}-api`,
      description: 'hive-journal: journal pages, runs, captures, metrics and health',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: settings.cloudWatchRole,
      deployOptions: {
        stageName: settings.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: settings.throttlingRateLimit,
        throttlingBurstLimit: settings.throttlingBurstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
      },
      ...(settings.corsOrigins.length > 0
        ? {
            defaultCorsPreflightOptions: {
              allowOrigins: [...settings.corsOrigins],
              allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
              allowHeaders: [...CORS_ALLOWED_HEADERS],
              maxAge: Duration.minutes(10),
            },
          }
        : {}),
    });

    const environment = {
      ...database.dataApiEnvironment(),
      JOURNAL_CORS_ALLOWED_ORIGINS: settings.corsOrigins.join(','),
    };
    this.readFunction = new JournalFunction(this, 'ReadFunction', {
      entry: 'api-read',
      description: 'Journal API reads: pages, runs, captures, metrics, health, OpenAPI',
      defaults,
      timeout: settings.readTimeout,
      memorySize: settings.memorySize,
      environment: {
        ...environment,
        ...linksEnvironment(settings.links, Stack.of(this).region),
        ...Object.fromEntries(
          DEAD_LETTER_QUEUES.map((queue) => [
            DEAD_LETTER_QUEUE_URL_ENV[queue],
            props.deadLetterQueues[queue].queueUrl,
          ]),
        ),
      },
      // /health compares the applied migrations with the ones this code ships.
      bundleMigrations: true,
      ...(settings.readConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: settings.readConcurrency }),
    });
    this.writeFunction = new JournalFunction(this, 'WriteFunction', {
      entry: 'api-write',
      description: 'Journal API writes: run metadata, pin and unpin',
      defaults,
      timeout: settings.writeTimeout,
      memorySize: settings.memorySize,
      environment,
      ...(settings.writeConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: settings.writeConcurrency }),
    });
    database.grantDataApi(this.readFunction);
    database.grantDataApi(this.writeFunction);
    // /metrics reads each dead-letter queue's depth; nothing else of SQS (the queues are SQS-encrypted).
    for (const queue of DEAD_LETTER_QUEUES) {
      props.deadLetterQueues[queue].grant(this.readFunction, 'sqs:GetQueueAttributes');
    }

    const reads = new LambdaIntegration(this.readFunction, { allowTestInvoke: false });
    const writes = new LambdaIntegration(this.writeFunction, { allowTestInvoke: false });
    const authorizer = this.createAuthorizer(settings.authorization, defaults);
    if (settings.corsOrigins.length > 0) this.addCorsToGatewayResponses(settings.corsOrigins);
    for (const route of JOURNAL_API_ROUTES) {
      const access = route.path === '/metrics' && settings.publicMetrics ? 'public' : route.access;
      const method = this.restApi.root
        .resourceForPath(route.path.slice(1))
        .addMethod(
          route.method,
          route.method === 'GET' ? reads : writes,
          this.methodOptions(access, authorizer),
        );
      this.#methods[access].push(method);
    }

    if (settings.webAclArn) {
      new CfnWebACLAssociation(this, 'WebAcl', {
        resourceArn: this.restApi.deploymentStage.stageArn,
        webAclArn: settings.webAclArn,
      });
    }
    this.suppressNagFindings(settings);
  }

  private createAuthorizer(
    authorization: JournalApiAuthorization,
    defaults: JournalFunctionDefaults,
  ): IAuthorizer | undefined {
    if (authorization.kind === 'cognito') {
      return new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
        cognitoUserPools: [...authorization.userPools],
      });
    }
    if (authorization.kind !== 'jwt') return undefined;
    this.authorizerFunction = new JournalFunction(this, 'AuthorizerFunction', {
      entry: 'authorizer',
      description: 'Journal API bearer-token authorizer: verifies OIDC access tokens (aws-jwt-verify)',
      defaults,
      timeout: Duration.seconds(10),
      // RSA verification is CPU-bound; 512 MB gives the function a share of a vCPU that keeps a
      // cache miss within a few milliseconds.
      memorySize: 512,
      environment: jwtAuthorizerEnvironment(authorization),
    });
    return new TokenAuthorizer(this, 'TokenAuthorizer', {
      handler: this.authorizerFunction,
      identitySource: 'method.request.header.Authorization',
      // Not a bearer JWT: 401 from API Gateway without invoking the function.
      validationRegex: '^[Bb][Ee][Aa][Rr][Ee][Rr] [-0-9A-Za-z._~+/]+=*$',
      resultsCacheTtl: authorization.cacheTtl ?? Duration.minutes(5),
    });
  }

  /**
   * API Gateway's own answers (401, 403, 429, 504, ...) carry the CORS headers too, so that a
   * browser shows the page the status instead of an opaque network error. One origin (or *) is
   * answered as is; several: the request's Origin is echoed, as these bodies carry no journal data
   * (the functions' own answers allow only the listed origins).
   */
  private addCorsToGatewayResponses(origins: readonly string[]): void {
    const allowOrigin =
      origins.length === 1
        ? `'${origins[0]}'`
        : origins.includes('*')
          ? "'*'"
          : 'method.request.header.Origin';
    const headers = {
      'Access-Control-Allow-Origin': allowOrigin,
      'Access-Control-Allow-Headers': `'${CORS_ALLOWED_HEADERS.join(',')}'`,
      'Access-Control-Allow-Methods': "'GET,POST,DELETE,OPTIONS'",
      'Access-Control-Expose-Headers': "'x-amzn-errortype,x-amzn-requestid'",
      ...(allowOrigin === 'method.request.header.Origin' ? { Vary: "'Origin'" } : {}),
    };
    this.restApi.addGatewayResponse('Default4xx', {
      type: ResponseType.DEFAULT_4XX,
      responseHeaders: headers,
    });
    this.restApi.addGatewayResponse('Default5xx', {
      type: ResponseType.DEFAULT_5XX,
      responseHeaders: headers,
    });
  }

  /** The stage URL (ends with /): the API's base for the Hive UI. */
  get url(): string {
    return this.restApi.url;
  }

  /** Lets a principal call the read routes (execute-api:Invoke on exactly those methods). */
  grantRead(principal: IGrantable): Grant {
    return this.grantInvoke(principal, 'read');
  }

  /** Lets a principal call the write routes (run metadata, pin, unpin). */
  grantWrite(principal: IGrantable): Grant {
    return this.grantInvoke(principal, 'write');
  }

  private grantInvoke(principal: IGrantable, access: 'read' | 'write'): Grant {
    if (this.authorization.kind !== 'iam') {
      const by = this.authorization.kind === 'cognito' ? 'Cognito' : 'bearer tokens (jwt)';
      throw new Error(
        `The journal API authorizes with ${by}: grant ${access} access with the ${access}Scopes, not IAM`,
      );
    }
    return Grant.addToPrincipal({
      grantee: principal,
      actions: ['execute-api:Invoke'],
      resourceArns: this.#methods[access].map((method) => method.methodArn),
    });
  }

  private methodOptions(
    access: JournalApiRoute['access'],
    authorizer: IAuthorizer | undefined,
  ): MethodOptions {
    if (access === 'public') return { authorizationType: AuthorizationType.NONE };
    if (this.authorization.kind === 'iam' || authorizer === undefined) {
      return { authorizationType: AuthorizationType.IAM };
    }
    if (this.authorization.kind === 'jwt') return { authorizationType: AuthorizationType.CUSTOM, authorizer };
    return {
      authorizationType: AuthorizationType.COGNITO,
      authorizer,
      authorizationScopes: [
        ...(access === 'read' ? this.authorization.readScopes : this.authorization.writeScopes),
      ],
    };
  }

  private suppressNagFindings(settings: JournalApiSettings): void {
    NagSuppressions.addResourceSuppressions(this.restApi, [
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Requests are validated in the functions by the same zod schemas the OpenAPI document is generated from; gateway models would be a second, drifting copy.',
      },
    ]);
    if (!settings.webAclArn) {
      NagSuppressions.addResourceSuppressions(this.restApi.deploymentStage, [
        {
          id: 'AwsSolutions-APIG3',
          reason:
            'Every route but /health needs IAM, bearer-token or Cognito authorization and the stage is throttled; a WAF web ACL is associated when props.api.webAclArn is given.',
        },
      ]);
    }
    const publicMethods = [
      ...this.#methods.public,
      ...this.restApi.methods.filter((method) => method.httpMethod === 'OPTIONS'),
    ];
    for (const method of publicMethods) {
      NagSuppressions.addResourceSuppressions(method, [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'Public on purpose: /health (liveness for load balancers and the Hive UI), /metrics only when props.api.publicMetrics says so, and CORS preflights (browsers send them without credentials).',
        },
        { id: 'AwsSolutions-COG4', reason: 'Public on purpose (see AwsSolutions-APIG4).' },
      ]);
    }
    if (this.authorization.kind !== 'cognito') {
      for (const method of [...this.#methods.read, ...this.#methods.write]) {
        NagSuppressions.addResourceSuppressions(method, [
          {
            id: 'AwsSolutions-COG4',
            reason:
              this.authorization.kind === 'iam'
                ? 'IAM (SigV4) authorization with per-method execute-api grants; a Cognito authorizer is used when props.api.authorization is cognito.'
                : "Bearer tokens of the operator's own OIDC issuer, verified by the journal's Lambda authorizer (aws-jwt-verify); a Cognito authorizer is used when props.api.authorization is cognito.",
          },
        ]);
      }
    }
    if (settings.cloudWatchRole) {
      const role = this.restApi.node.tryFindChild('CloudWatchRole');
      if (role) {
        NagSuppressions.addResourceSuppressions(role, [
          {
            id: 'AwsSolutions-IAM4',
            reason:
              'AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS defines for the regional API Gateway logging role; it is needed for the access logs.',
            appliesTo: [
              'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
            ],
          },
        ]);
      }
    }
  }
}

// JSON lines; error.messageString is already a quoted JSON string, the other fields are quoted here.
const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: `"${AccessLogField.contextRequestId()}"`,
  extendedRequestId: `"${AccessLogField.contextExtendedRequestId()}"`,
  requestTime: `"${AccessLogField.contextRequestTime()}"`,
  ip: `"${AccessLogField.contextIdentitySourceIp()}"`,
  caller: `"${AccessLogField.contextIdentityCaller()}"`,
  userArn: `"${AccessLogField.contextIdentityUserArn()}"`,
  principalId: `"${AccessLogField.contextAuthorizerPrincipalId()}"`,
  httpMethod: `"${AccessLogField.contextHttpMethod()}"`,
  resourcePath: `"${AccessLogField.contextResourcePath()}"`,
  path: `"${AccessLogField.contextPath()}"`,
  protocol: `"${AccessLogField.contextProtocol()}"`,
  status: `"${AccessLogField.contextStatus()}"`,
  responseLength: `"${AccessLogField.contextResponseLength()}"`,
  responseLatency: `"${AccessLogField.contextResponseLatency()}"`,
  integrationLatency: `"${AccessLogField.contextIntegrationLatency()}"`,
  integrationStatus: `"${AccessLogField.contextIntegrationStatus()}"`,
  errorMessage: AccessLogField.contextErrorMessageString(),
  xrayTraceId: `"${AccessLogField.contextXrayTraceId()}"`,
};

const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  `{${Object.entries(ACCESS_LOG_FIELDS)
    .map(([name, value]) => `"${name}":${value}`)
    .join(',')}}`,
);
