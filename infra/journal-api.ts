import { Duration } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  type MethodOptions,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { JOURNAL_API_ROUTES, type JournalApiRoute } from './journal-api-routes.ts';
import type { JournalDatabase } from './journal-database.ts';
import { JournalFunction, type JournalFunctionDefaults } from './journal-function.ts';
import type { PropsProblems } from './props-problems.ts';

/**
 * Who may call the API. `iam` (the default): callers sign with SigV4 and need grantRead/grantWrite.
 * `cognito`: callers present a Cognito user pool access token whose scopes include readScopes (read
 * routes) or writeScopes (write routes); for another OIDC issuer, put a Cognito user pool federating
 * it in front (REST APIs have no native JWT authorizer).
 */
export type JournalApiAuthorization =
  | { readonly kind: 'iam' }
  | {
      readonly kind: 'cognito';
      readonly userPools: readonly IUserPool[];
      /** OAuth scopes (resource server scopes of the pool) that allow the read routes. */
      readonly readScopes: readonly string[];
      /** OAuth scopes that allow the write routes. */
      readonly writeScopes: readonly string[];
    };

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
  return settings;
}

export interface JournalApiProps {
  readonly settings: JournalApiSettings;
  readonly database: JournalDatabase;
  readonly defaults: JournalFunctionDefaults;
}

/** Headers a browser may send (the same list the functions answer preflights with, lib/http/cors.ts). */
const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'x-trace-id',
  'traceparent',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

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
              allowHeaders: CORS_ALLOWED_HEADERS,
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
      environment,
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

    const reads = new LambdaIntegration(this.readFunction, { allowTestInvoke: false });
    const writes = new LambdaIntegration(this.writeFunction, { allowTestInvoke: false });
    const authorizer =
      settings.authorization.kind === 'cognito'
        ? new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
            cognitoUserPools: [...settings.authorization.userPools],
          })
        : undefined;
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
      throw new Error(
        `The journal API authorizes with Cognito: grant ${access} access with the ${access}Scopes OAuth scopes, not IAM`,
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
    authorizer: CognitoUserPoolsAuthorizer | undefined,
  ): MethodOptions {
    if (access === 'public') return { authorizationType: AuthorizationType.NONE };
    if (this.authorization.kind === 'iam' || authorizer === undefined) {
      return { authorizationType: AuthorizationType.IAM };
    }
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
            'Every route but /health needs IAM or Cognito authorization and the stage is throttled; a WAF web ACL is associated when props.api.webAclArn is given.',
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
    if (this.authorization.kind === 'iam') {
      for (const method of [...this.#methods.read, ...this.#methods.write]) {
        NagSuppressions.addResourceSuppressions(method, [
          {
            id: 'AwsSolutions-COG4',
            reason:
              'IAM (SigV4) authorization with per-method execute-api grants; a Cognito authorizer is used when props.api.authorization is cognito.',
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
