import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { InvokeFunction, InvokeOutcome } from '../lambda-runtime/invoke-outcome.ts';
import { gatewayErrors } from './gateway-error.ts';
import type { GatewayReply } from './gateway-reply.ts';
import { invokePermitted } from './lambda-permissions.ts';
import { replyOfProxyResult } from './proxy-result.ts';
import type { LambdaProxyIntegration } from './rest-api-model.ts';

/**
 * Calls the function of an AWS_PROXY integration as API Gateway does: only when a Lambda permission
 * lets API Gateway invoke it from this method's ARN (else 500, "Invalid permissions on Lambda
 * function" in the execution log), answering 504 when it takes longer than the integration timeout
 * (the function keeps running, as in Lambda) and 502 when it fails or returns no proxy result.
 */
export async function callLambdaProxy(
  integration: LambdaProxyIntegration,
  sourceArn: string,
  event: APIGatewayProxyEvent,
  invoke: InvokeFunction,
): Promise<GatewayReply> {
  if (!invokePermitted(integration.invokePermission, sourceArn)) {
    throw gatewayErrors.configurationError(
      `Execution failed due to configuration error: Invalid permissions on Lambda function ${integration.functionArn} for ${sourceArn}`,
    );
  }
  const outcome = await withTimeout(invoke(integration.functionArn, event), integration.timeoutMs).catch(
    (error: unknown) => {
      throw gatewayErrors.integrationFailure(
        `Execution failed: could not invoke ${integration.functionArn}: ${error}`,
      );
    },
  );
  if (outcome === 'timed out') throw gatewayErrors.integrationTimeout();
  if (outcome.kind === 'failed') {
    throw gatewayErrors.integrationFailure(
      `Lambda execution failed with status 200 due to customer function error: ${outcome.error.errorMessage}`,
    );
  }
  return replyOfProxyResult(outcome.payload);
}

function withTimeout(
  invocation: Promise<InvokeOutcome>,
  timeoutMs: number,
): Promise<InvokeOutcome | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  // A late failure of an invocation already answered with 504 must not surface as unhandled.
  invocation.catch(() => {});
  return Promise.race([invocation, timeout]).finally(() => clearTimeout(timer));
}
