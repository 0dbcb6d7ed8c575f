import type { GatewayResponseType } from './gateway-response-type.ts';

/** The REST API of a synthesized template, as the local gateway serves it. */
export interface RestApiModel {
  /** Logical id of the AWS::ApiGateway::RestApi. */
  readonly logicalId: string;
  /** The API id (what `Ref` of the RestApi resolves to), as in execute-api ARNs. */
  readonly apiId: string;
  readonly root: ApiResource;
  readonly stage: StageModel;
  /** By authorizer id (what `Ref` of the AWS::ApiGateway::Authorizer resolves to). */
  readonly authorizers: ReadonlyMap<string, AuthorizerModel>;
  readonly gatewayResponses: ReadonlyMap<GatewayResponseType, GatewayResponseModel>;
  /** RestApi BinaryMediaTypes: request bodies of these types reach the function base64-encoded. */
  readonly binaryMediaTypes: readonly string[];
}

/** One AWS::ApiGateway::Resource (or the root), with its full path and its methods. */
export interface ApiResource {
  readonly logicalId: string;
  /** `/`, `/api/swarms/{swarmId}/journal/page`, `/{proxy+}`. */
  readonly path: string;
  /** The last segment: `swarmId` of `{swarmId}`, or `proxy` of `{proxy+}`, or the literal. */
  readonly segment: ResourceSegment;
  readonly children: readonly ApiResource[];
  /** By HTTP method (`GET`, ..., or `ANY`). */
  readonly methods: ReadonlyMap<string, ApiMethod>;
}

export type ResourceSegment =
  | { readonly kind: 'root' }
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'parameter'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

export interface ApiMethod {
  readonly logicalId: string;
  readonly httpMethod: string;
  readonly authorization: MethodAuthorization;
  readonly integration: MethodIntegration;
}

export type MethodAuthorization =
  | { readonly kind: 'none' }
  | { readonly kind: 'iam' }
  | { readonly kind: 'custom'; readonly authorizerId: string }
  | {
      readonly kind: 'cognito';
      readonly authorizerId: string;
      /**
       * The method's AuthorizationScopes: empty, the token must be an ID token; else an access token
       * whose `scope` claim has at least one of them.
       */
      readonly scopes: readonly string[];
    };

export type MethodIntegration = LambdaProxyIntegration | MockIntegration;

export interface LambdaProxyIntegration {
  readonly kind: 'lambda-proxy';
  readonly functionArn: string;
  readonly timeoutMs: number;
  readonly invokePermission: InvokePermission;
}

/**
 * Whether API Gateway may invoke a function: through an IAM role given in the template
 * (Integration.Credentials, Authorizer.AuthorizerCredentials), or through the function's
 * AWS::Lambda::Permission resources for apigateway.amazonaws.com, whose SourceArn patterns the
 * caller's execute-api ARN must match (`*` for a permission without SourceArn).
 */
export type InvokePermission =
  | { readonly kind: 'role' }
  | { readonly kind: 'resource-policy'; readonly sourceArns: readonly string[] };

/** A MOCK integration as CDK writes it for CORS preflights. */
export interface MockIntegration {
  readonly kind: 'mock';
  /** The integration response chosen for `{ statusCode: 200 }`; null when the template declares none. */
  readonly response: MockResponse | null;
}

export interface MockResponse {
  readonly statusCode: number;
  /** Static header values (`method.response.header.X: "'value'"`), by header name. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The further origins CDK's response template echoes in Access-Control-Allow-Origin (its
   * `#if($origin == "...")` list); empty without a template.
   */
  readonly echoedOrigins: readonly string[];
}

export interface StageModel {
  readonly logicalId: string;
  readonly name: string;
  /** Stage Variables, or null as the proxy event carries them when there are none. */
  readonly variables: Readonly<Record<string, string>> | null;
  /** MethodSettings `*` `/*`: the throttle every method gets unless it has its own. */
  readonly defaultThrottle: ThrottleSettings | null;
  /** MethodSettings for one method, by `METHOD /resource/path`. */
  readonly methodThrottles: ReadonlyMap<string, ThrottleSettings>;
}

export interface ThrottleSettings {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Bucket size. */
  readonly burstLimit: number;
}

export type AuthorizerModel = LambdaAuthorizerModel | CognitoAuthorizerModel;

/** A TOKEN or REQUEST authorizer: a Lambda function decides. */
export interface LambdaAuthorizerModel {
  readonly logicalId: string;
  readonly id: string;
  readonly type: 'TOKEN' | 'REQUEST';
  readonly functionArn: string;
  readonly identitySources: readonly IdentitySource[];
  /** TOKEN only: the token must match this, else 401 without invoking the function. */
  readonly validationExpression: RegExp | null;
  /** 0 disables caching. */
  readonly resultTtlSeconds: number;
  readonly invokePermission: InvokePermission;
}

/** A COGNITO_USER_POOLS authorizer: API Gateway verifies the pools' tokens itself. */
export interface CognitoAuthorizerModel {
  readonly logicalId: string;
  readonly id: string;
  readonly type: 'COGNITO_USER_POOLS';
  /** The pools of ProviderARNs (`us-east-1_AbC123`); a token of any of them is accepted. */
  readonly userPoolIds: readonly string[];
  /** The header of IdentitySource (`method.request.header.Authorization`) that carries the token. */
  readonly tokenHeader: string;
  /** Read and checked; each request's token is verified anyway (see cognito-authorizer.ts). */
  readonly resultTtlSeconds: number;
}

/** One entry of IdentitySource: `method.request.header.X`, `method.request.querystring.x`, ... */
export type IdentitySource =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'querystring'; readonly name: string }
  | { readonly kind: 'stage-variable'; readonly name: string }
  | { readonly kind: 'context'; readonly name: string };

export interface GatewayResponseModel {
  readonly logicalId: string;
  readonly type: GatewayResponseType;
  readonly statusCode: number | null;
  /** `gatewayresponse.header.X` mappings, by header name. */
  readonly headers: Readonly<Record<string, HeaderValueSource>>;
  /** The application/json (else first) response template, or null to keep the default body. */
  readonly template: string | null;
}

/** Where a mapped header value comes from. */
export type HeaderValueSource =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'request-header'; readonly name: string }
  | { readonly kind: 'request-querystring'; readonly name: string }
  | { readonly kind: 'request-path'; readonly name: string };
