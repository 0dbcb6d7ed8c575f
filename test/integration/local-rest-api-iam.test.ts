import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createSigV4Signer, Sha256 } from '../../lib/cli/sigv4-signer.ts';
import type { TemplateRestApi } from '../../local/api-gateway/start-template-rest-api.ts';
import {
  ACCOUNT_ID,
  API_ID,
  CREDENTIALS,
  journalTemplate,
  REGION,
  recordingInvoke,
  serveTemplate,
  signedFetch,
  signRequest,
} from '../support/local-rest-api-fixtures.ts';

const run = promisify(execFile);
// curl signs with SigV4 itself since 7.75: an implementation independent of @smithy/signature-v4
// (.ci/run installs Debian's curl where it is missing).
const template = journalTemplate();
const invoke = recordingInvoke();
let api: TemplateRestApi;

beforeAll(async () => {
  api = await serveTemplate(template, invoke);
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  invoke.calls.length = 0;
});

const pageUrl = () => `${api.stageUrl}api/swarms/hive%201/journal/page`;

async function errorOf(response: Response) {
  return {
    status: response.status,
    type: response.headers.get('x-amzn-errortype'),
    body: (await response.json()) as { message: string },
  };
}

describe('a request signed with the local credentials', () => {
  test('reaches the function of its method with the event API Gateway sends', async () => {
    const url = new URL(`${pageUrl()}?limit=5`);
    const headers = await createSigV4Signer(REGION, CREDENTIALS)(url, { method: 'GET' });

    const response = await fetch(url, { headers });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(invoke.calls).toHaveLength(1);
    const [{ functionArn, event }] = invoke.calls as [(typeof invoke.calls)[number]];
    expect(functionArn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:JournalApiReadFunction/);
    expect(event).toMatchObject({
      resource: '/api/swarms/{swarmId}/journal/page',
      path: '/api/swarms/hive%201/journal/page',
      httpMethod: 'GET',
      pathParameters: { swarmId: 'hive 1' },
      queryStringParameters: { limit: '5' },
      multiValueQueryStringParameters: { limit: ['5'] },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: {
        accountId: ACCOUNT_ID,
        apiId: API_ID,
        stage: 'v1',
        path: '/v1/api/swarms/hive%201/journal/page',
        resourcePath: '/api/swarms/{swarmId}/journal/page',
        httpMethod: 'GET',
        authorizer: null,
        identity: {
          accessKey: CREDENTIALS.accessKeyId,
          accountId: ACCOUNT_ID,
          caller: ACCOUNT_ID,
          user: ACCOUNT_ID,
          userArn: `arn:aws:iam::${ACCOUNT_ID}:root`,
          sourceIp: '127.0.0.1',
        },
      },
    });
  });

  test('carries repeated query parameters and headers to the event, signed', async () => {
    const response = await signedFetch(`${pageUrl()}?kind=a&kind=b`, { headers: { 'x-trace-id': 't-1' } });

    expect(response.status).toBe(200);
    expect(invoke.calls[0]?.event).toMatchObject({
      queryStringParameters: { kind: 'b' },
      multiValueQueryStringParameters: { kind: ['a', 'b'] },
      headers: { 'x-trace-id': 't-1' },
      multiValueHeaders: { 'x-trace-id': ['t-1'] },
    });
  });

  test('with its body reaches the write function with that body', async () => {
    const body = JSON.stringify({ note: 'pinned' });

    const response = await signedFetch(`${api.stageUrl}api/swarms/hive-1/journal/pin`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });

    expect(response.status).toBe(200);
    expect(invoke.calls[0]?.functionArn).toMatch(/function:JournalApiWriteFunction/);
    expect(invoke.calls[0]?.event).toMatchObject({
      body,
      httpMethod: 'POST',
      pathParameters: { swarmId: 'hive-1' },
    });
  });

  test('as a presigned URL reaches the function', async () => {
    const url = new URL(pageUrl());
    const signer = new SignatureV4({
      service: 'execute-api',
      region: REGION,
      credentials: CREDENTIALS,
      sha256: Sha256,
    });
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers: { host: url.host },
      },
      { expiresIn: 60 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>);

    const response = await fetch(`${pageUrl()}?${query}`);

    expect(response.status).toBe(200);
    expect(invoke.calls).toHaveLength(1);
  });

  test('signed by curl --aws-sigv4 reaches the function', async () => {
    const { stdout } = await run('curl', [
      '--silent',
      '--aws-sigv4',
      'aws:amz:us-east-1:execute-api',
      '--user',
      `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`,
      '--write-out',
      '\n%{http_code}',
      `${api.stageUrl}api/journal/hive/page`,
    ]);

    expect(stdout.split('\n').at(-1)).toBe('200');
    expect(invoke.calls[0]?.event).toMatchObject({
      requestContext: { identity: { accessKey: CREDENTIALS.accessKeyId } },
    });
  });
});

describe('an IAM method refuses, as API Gateway does,', () => {
  test('a request without a signature: 403 Missing Authentication Token', async () => {
    const response = await fetch(pageUrl());

    expect(await errorOf(response)).toEqual({
      status: 403,
      type: 'MissingAuthenticationTokenException',
      body: { message: 'Missing Authentication Token' },
    });
    expect(invoke.calls).toHaveLength(0);
  });

  test('a signature made with another secret: 403 signature mismatch', async () => {
    const response = await signedFetch(pageUrl(), {
      credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' },
    });

    const error = await errorOf(response);
    expect(error.status).toBe(403);
    expect(error.type).toBe('InvalidSignatureException');
    expect(error.body.message).toMatch(
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./,
    );
    expect(invoke.calls).toHaveLength(0);
  });

  test('an access key it does not know: 403 UnrecognizedClientException', async () => {
    const response = await signedFetch(pageUrl(), {
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: CREDENTIALS.secretAccessKey },
    });

    expect(await errorOf(response)).toEqual({
      status: 403,
      type: 'UnrecognizedClientException',
      body: { message: 'The security token included in the request is invalid.' },
    });
  });

  test('a signature dated more than 5 minutes ago: 403 Signature expired', async () => {
    const response = await signedFetch(pageUrl(), { signingDate: new Date(Date.now() - 10 * 60_000) });

    const error = await errorOf(response);
    expect(error.status).toBe(403);
    expect(error.body.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
  });

  test('a signature dated more than 5 minutes ahead: 403 Signature not yet current', async () => {
    const response = await signedFetch(pageUrl(), { signingDate: new Date(Date.now() + 10 * 60_000) });

    const error = await errorOf(response);
    expect(error.status).toBe(403);
    expect(error.body.message).toMatch(
      /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z/,
    );
  });

  test('a credential scoped to another region: 403', async () => {
    const response = await signedFetch(pageUrl(), { region: 'eu-west-1' });

    expect(await errorOf(response)).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      body: { message: "Credential should be scoped to a valid region, not 'eu-west-1'. " },
    });
  });

  test('a credential scoped to another service: 403', async () => {
    const response = await signedFetch(pageUrl(), { service: 'lambda' });

    expect(await errorOf(response)).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
      body: { message: "Credential should be scoped to correct service: 'execute-api'. " },
    });
  });

  test('a body changed after signing: 403 signature mismatch', async () => {
    const url = `${api.stageUrl}api/swarms/hive-1/journal/pin`;
    const headers = await signRequest(url, {
      method: 'POST',
      body: '{"note":"as signed"}',
    });

    const response = await fetch(url, { method: 'POST', headers, body: '{"note":"tampered"}' });

    const error = await errorOf(response);
    expect(error.status).toBe(403);
    expect(error.type).toBe('InvalidSignatureException');
    expect(invoke.calls).toHaveLength(0);
  });

  test('an Authorization header that is no SigV4 signature: 403 IncompleteSignatureException', async () => {
    const response = await fetch(pageUrl(), { headers: { authorization: 'Bearer abc' } });

    expect(await errorOf(response)).toEqual({
      status: 403,
      type: 'IncompleteSignatureException',
      body: {
        message:
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
      },
    });
  });
});

test('with authorization open, an IAM method takes an unsigned request', async () => {
  const open = await serveTemplate(template, invoke, { authorization: 'open' });
  try {
    const response = await fetch(`${open.stageUrl}api/journal/hive/page`);

    expect(response.status).toBe(200);
    expect(invoke.calls[0]?.event).toMatchObject({ requestContext: { identity: { accessKey: null } } });
  } finally {
    await open.close();
  }
});
