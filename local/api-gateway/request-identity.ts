import type { APIGatewayEventIdentity } from 'aws-lambda';

/** Who signed an IAM-authorized request. */
export interface IamCaller {
  readonly accessKeyId: string;
  readonly accountId: string;
}

/**
 * `requestContext.identity` of a request: the caller's address and agent, and for an IAM-authorized
 * call the principal. The local credentials are the local account's own (as LocalStack's are), so
 * they sign as its root user: API Gateway then fills accountId, caller and user with the account id
 * and userArn with `arn:aws:iam::<account>:root`.
 */
export function requestIdentity(
  sourceIp: string,
  userAgent: string | null,
  caller: IamCaller | null,
): APIGatewayEventIdentity {
  return {
    accessKey: caller?.accessKeyId ?? null,
    accountId: caller?.accountId ?? null,
    apiKey: null,
    apiKeyId: null,
    caller: caller?.accountId ?? null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: caller?.accountId ?? null,
    userAgent,
    userArn: caller ? `arn:aws:iam::${caller.accountId}:root` : null,
  };
}
