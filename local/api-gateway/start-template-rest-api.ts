import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalUserPools, type LocalUserPools } from '../cognito/local-user-pools.ts';
import type { InvokeFunction } from '../lambda-runtime/invoke-outcome.ts';
import { createCognitoAuthorizer, userPoolIdsOf } from './cognito-authorizer.ts';
import { writeReply } from './gateway-reply.ts';
import { type GatewayRuntime, handleRequest } from './handle-request.ts';
import { readIncomingRequest } from './incoming-request.ts';
import { createLambdaAuthorizer } from './lambda-authorizer.ts';
import type { CognitoAuthorizerModel, RestApiModel } from './rest-api-model.ts';
import { createStageThrottle } from './stage-throttle.ts';
import { createSigV4Verifier } from './verify-sigv4.ts';

export interface TemplateRestApiOptions {
  readonly model: RestApiModel;
  readonly invoke: InvokeFunction;
  readonly region: string;
  readonly accountId: string;
  /** The local account's credentials: AWS_IAM methods accept requests signed with these. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly port: number;
  readonly host?: string;
  /** `open` serves AWS_IAM methods without checking signatures, as LocalStack without IAM enforcement. */
  readonly authorization: 'enforce' | 'open';
  /** Execution-log lines: why a request failed where the response does not say. */
  readonly log?: (line: string) => void;
  /**
   * The user pools whose tokens COGNITO_USER_POOLS authorizers accept; it must have every pool their
   * ProviderARNs name. Default: pools created now for those ids, with fresh keys.
   */
  readonly userPools?: LocalUserPools;
}

export interface TemplateRestApi {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The stage's base, as the RestApi's url output gives it: `<url>/<stage>/`. */
  readonly stageUrl: string;
  /** The user pools the Cognito authorizers trust (none without such authorizers): mint tokens here. */
  readonly userPools: LocalUserPools;
  close(): Promise<void>;
}

/** Serves a template's REST API locally, stage and all, as API Gateway would answer it. */
export async function startTemplateRestApi(options: TemplateRestApiOptions): Promise<TemplateRestApi> {
  const { model, region, accountId } = options;
  const log = options.log ?? (() => {});
  const poolIds = userPoolIdsOf(model);
  const userPools = options.userPools ?? (await createLocalUserPools(poolIds));
  const missing = poolIds.filter((id) => !userPools.has(id));
  if (missing.length > 0) {
    throw new Error(`the user pools given to the local API Gateway lack ${missing.join(', ')}`);
  }
  const cognitoAuthorizers = [...model.authorizers.values()].filter(
    (authorizer): authorizer is CognitoAuthorizerModel => authorizer.type === 'COGNITO_USER_POOLS',
  );
  const runtime: GatewayRuntime = {
    model,
    invoke: options.invoke,
    region,
    accountId,
    verifyIam:
      options.authorization === 'enforce'
        ? createSigV4Verifier({ credentials: options.credentials, region, accountId })
        : null,
    authorize: createLambdaAuthorizer({ invoke: options.invoke, region, accountId, apiId: model.apiId }),
    authorizeCognito: createCognitoAuthorizer(cognitoAuthorizers, userPools),
    throttle: createStageThrottle(model.stage),
    log,
    now: Date.now,
  };
  const server = createServer((incoming, response) => {
    void (async () => {
      const { request, tooLarge } = await readIncomingRequest(incoming);
      const reply = await handleRequest(runtime, request, tooLarge);
      // A body left unread would otherwise hold the connection open.
      writeReply(
        response,
        tooLarge ? { ...reply, headers: [...reply.headers, ['Connection', 'close']] } : reply,
      );
    })().catch((error: unknown) => {
      log(`API Gateway: could not answer ${incoming.method} ${incoming.url}: ${error}`);
      response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  return {
    url,
    stageUrl: `${url}/${model.stage.name}/`,
    userPools,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
