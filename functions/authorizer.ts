import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { authorizeBearerToken, UnauthorizedError } from '../lib/auth/authorize-bearer-token.ts';
import { createBearerTokenVerifier } from '../lib/auth/bearer-token-verifier.ts';
import { httpFetcher } from '../lib/auth/http-fetcher.ts';
import { AuthorizerEnv } from '../lib/config/authorizer-config.ts';
import { parseEnv } from '../lib/config/parse-env.ts';
import { logger } from '../lib/observability/logger.ts';

// API Gateway TOKEN authorizer for the `jwt` authorization: verifies the bearer token, answers the
// policy API Gateway caches per token (AuthorizerResultTtlInSeconds).
const verifier = createBearerTokenVerifier(parseEnv(AuthorizerEnv, process.env), httpFetcher);

export const handler = middy(async (event: APIGatewayTokenAuthorizerEvent) => {
  try {
    return await authorizeBearerToken(verifier, event);
  } catch (error) {
    if (error instanceof UnauthorizedError) logger.info('Token refused', { reason: error.reason });
    else logger.error('Authorizer failed', { error });
    throw error;
  }
}).use(injectLambdaContext(logger, { resetKeys: true }));
