import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { Sha256 } from '../../lib/cli/sigv4-signer.ts';
import { journalEntry } from '../support/journal-event-factory.ts';
import { eventually, startTestTemplateStack, type TestTemplateStack } from '../support/template-stack.ts';

// The synthesized template, run by the local cloud: every call goes over the real protocols (SigV4
// over HTTP, the SQS and Lambda SDK clients), as a client of the deployed stack would make it.
let stack: TestTemplateStack;

beforeAll(async () => {
  stack = await startTestTemplateStack();
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

/** Signs a GET as a client with these credentials, region and clock would. */
async function signedWith(
  url: URL,
  options: { secret?: string; region?: string; date?: Date } = {},
): Promise<Record<string, string>> {
  const { credentials, region } = stack.endpoints;
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region ?? region,
    credentials: { ...credentials, ...(options.secret ? { secretAccessKey: options.secret } : {}) },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host },
    },
    options.date ? { signingDate: options.date } : {},
  );
  const { host: _host, ...headers } = signed.headers as Record<string, string>;
  return headers;
}

function sqsClient(): SQSClient {
  return new SQSClient({
    endpoint: stack.endpoints.sqsEndpoint,
    region: stack.endpoints.region,
    credentials: stack.endpoints.credentials,
  });
}

describe('the REST API of the template', () => {
  const pagePath = 'api/journal/hive/page?limit=5';

  test('serves a SigV4-signed request with the local credentials', async () => {
    const response = await stack.signedFetch(pagePath);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ items: [], hasMore: false });
  });

  test('refuses an unsigned request to an AWS_IAM route with Missing Authentication Token', async () => {
    const response = await fetch(new URL(pagePath, stack.endpoints.apiUrl));

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  test.each([
    ['a wrong secret', { secret: 'not-the-secret' }, /signature we calculated does not match/],
    ['a date 10 minutes ago', { date: new Date(Date.now() - 10 * 60_000) }, /Signature expired/],
    ['another region', { region: 'eu-west-1' }, /scoped to a valid region|Credential should be scoped/],
  ])('refuses a request signed with %s with 403', async (_name, options, message) => {
    const url = new URL(pagePath, stack.endpoints.apiUrl);

    const response = await fetch(url, { headers: await signedWith(url, options) });

    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).toMatch(message);
  });

  test('answers a path the template does not declare with API Gateway’s 403, signed or not', async () => {
    const unsigned = await fetch(new URL('api/nowhere', stack.endpoints.apiUrl));
    const signed = await stack.signedFetch('api/nowhere');

    for (const response of [unsigned, signed]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
  });

  test('serves /health (liveness) without authorization, as its method has none', async () => {
    const response = await fetch(new URL('health', stack.endpoints.apiUrl));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { liveness: { status: 'ok' } } });
  });

  test('serves /health/ready (the database and its migrations) to signed callers only', async () => {
    const anonymous = await fetch(new URL('health/ready', stack.endpoints.apiUrl));
    const signed = await stack.signedFetch('health/ready');

    expect(anonymous.status).toBe(403);
    expect(signed.status).toBe(200);
    const body = (await signed.json()) as { checks: { migrations: { status: string } } };
    expect(body.checks.migrations.status).toBe('ok');
  });

  test('keeps /metrics behind IAM, as the dev stage declares', async () => {
    expect((await fetch(new URL('metrics', stack.endpoints.apiUrl))).status).toBe(403);
    expect((await stack.signedFetch('metrics')).status).toBe(200);
  });
});

describe('the ingest path of the template', () => {
  test('events sent to the ingest queue come back through the signed API', async () => {
    const swarmId = `tmpl-${randomUUID().slice(0, 8)}`;
    const sqs = sqsClient();
    const entries = Array.from({ length: 10 }, (_, i) => ({
      Id: String(i),
      MessageBody: JSON.stringify(journalEntry({ swarmId, runId: 'r1', type: `step-${i}` })),
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.endpoints.queueUrl, Entries: entries }));
    sqs.destroy();

    const items = await eventually('the events to be stored', async () => {
      const page = (await (
        await stack.signedFetch(`api/swarms/${swarmId}/journal/page?limit=50`)
      ).json()) as {
        items?: unknown[];
      };
      return page.items?.length === 10 ? page.items : undefined;
    });

    expect(items).toHaveLength(10);
  });

  test('the ingest queue, its dead-letter queue and the API URL are the template’s outputs', () => {
    const { outputs, queueUrl, apiUrl } = stack.endpoints;

    expect(outputs.IngestQueueUrl).toBe(queueUrl);
    expect(outputs.ApiUrl).toBe(apiUrl);
    expect(stack.endpoints.dlqUrl).toMatch(/DeadLetterQueue/);
  });
});

describe('a variant of the stack, synthesized with other settings', () => {
  let variant: TestTemplateStack;

  beforeAll(async () => {
    variant = await startTestTemplateStack({ assemblyDir: inject('variantAssemblyDir') });
  }, 120_000);

  afterAll(async () => {
    await variant?.close();
  });

  test('its event source invokes with the batch size the variant sets, the default with up to 1,000', async () => {
    // 100 messages at once: the variant's mapping (BatchSize 10) needs at least 10 invocations; the
    // default's (1,000, window 1 s, 5 pollers) gathers them into at most 5 batches at a time, so one
    // holds more than 10.
    const send = async (target: TestTemplateStack) => {
      const [mapping] = target.resources.filter((r) => r.type === 'AWS::Lambda::EventSourceMapping');
      const before = target.eventSources.batchSizes(mapping?.logicalId ?? '').length;
      const sqs = new SQSClient({
        endpoint: target.endpoints.sqsEndpoint,
        region: target.endpoints.region,
        credentials: target.endpoints.credentials,
      });
      await Promise.all(
        Array.from({ length: 10 }, (_, batch) =>
          sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: target.endpoints.queueUrl,
              Entries: Array.from({ length: 10 }, (_, i) => ({
                Id: String(i),
                MessageBody: JSON.stringify(journalEntry({ swarmId: 'batching', type: `b${batch}-${i}` })),
              })),
            }),
          ),
        ),
      );
      sqs.destroy();
      await target.eventSources.waitUntilDrained();
      return target.eventSources.batchSizes(mapping?.logicalId ?? '').slice(before);
    };

    const variantSizes = await send(variant);
    const defaultSizes = await send(stack);

    expect(variantSizes.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...variantSizes)).toBeLessThanOrEqual(10);
    expect(defaultSizes.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...defaultSizes)).toBeGreaterThan(10);
  });

  test('its /metrics is public, as publicMetrics makes the method NONE', async () => {
    const response = await fetch(new URL('metrics', variant.endpoints.apiUrl));

    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# HELP /m);
  });

  test('a function that outlives its timeout is ended and reported as Lambda reports it', async () => {
    const lambda = new LambdaClient({
      endpoint: variant.endpoints.lambdaEndpoint,
      region: variant.endpoints.region,
      credentials: variant.endpoints.credentials,
    });
    const name = Object.entries(variant.endpoints.functions).find(([id]) =>
      id.startsWith('SleepyFunction'),
    )?.[1];

    const slow = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ ms: 5_000 })) }),
    );
    const quick = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ ms: 10 })) }),
    );
    lambda.destroy();

    expect(slow.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(slow.Payload ?? []).toString())).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds/),
    });
    expect(quick.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(quick.Payload ?? []).toString())).toEqual({ slept: 10 });
  });
});
