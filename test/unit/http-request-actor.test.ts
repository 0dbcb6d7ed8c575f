import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import { httpRequestFrom } from '../../lib/http/http-request.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';

const ROLE_ARN = 'arn:aws:sts::123456789012:assumed-role/hive-operator/carol';

/** The actor of a REST API (payload 1.0) request with this authorizer context and identity. */
function restActor(spec: Pick<ApiRequestSpec, 'authorizer' | 'identity'>): string | null {
  return httpRequestFrom(apiGatewayEvent({ method: 'POST', path: '/api/things', ...spec })).actor;
}

/** The actor of an HTTP API (payload 2.0) request with this authorizer. */
function httpApiActor(authorizer: unknown): string | null {
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/api/things',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' }, stage: '$default', requestId: 'r1', authorizer },
  } as unknown as APIGatewayProxyEventV2;
  return httpRequestFrom(event).actor;
}

describe('the actor of a REST API request', () => {
  test('is the actor our JWT authorizer put in its context', () => {
    expect(restActor({ authorizer: { actor: 'alice', principalId: 'someone-else' } })).toBe('alice');
  });

  test("is the authorizer's actor even when Cognito claims and an IAM principal are there too", () => {
    const actor = restActor({
      authorizer: { actor: 'alice', claims: { sub: 'cognito-sub' } },
      identity: { userArn: ROLE_ARN },
    });

    expect(actor).toBe('alice');
  });

  test("is a Cognito user pool authorizer's sub claim", () => {
    expect(restActor({ authorizer: { claims: { sub: 'cognito-sub', username: 'bob' } } })).toBe(
      'cognito-sub',
    );
  });

  test('falls back to the username claim, then to the client id of a machine token', () => {
    const username = restActor({ authorizer: { claims: { username: 'bob', client_id: 'client-1' } } });
    const machine = restActor({ authorizer: { claims: { client_id: 'client-1', scope: 'journal/write' } } });

    expect(username).toBe('bob');
    expect(machine).toBe('client-1');
  });

  test('prefers the claims to the IAM principal', () => {
    const actor = restActor({
      authorizer: { claims: { sub: 'cognito-sub' } },
      identity: { userArn: ROLE_ARN },
    });

    expect(actor).toBe('cognito-sub');
  });

  test('is the IAM principal of a SigV4-signed request when no authorizer names anyone', () => {
    expect(restActor({ identity: { userArn: ROLE_ARN } })).toBe(ROLE_ARN);
  });

  test('is null when neither an authorizer nor an IAM identity names anyone', () => {
    expect(restActor({})).toBeNull();
  });

  test('skips blank and non-string values to the next source', () => {
    const actor = restActor({
      authorizer: { actor: '  ', claims: { sub: 42, username: '' } },
      identity: { userArn: ROLE_ARN },
    });

    expect(actor).toBe(ROLE_ARN);
  });

  test('is never taken from a header', () => {
    const request = httpRequestFrom(
      apiGatewayEvent({ path: '/api/things', headers: { 'x-actor': 'mallory', 'x-amz-user': 'mallory' } }),
    );

    expect(request.actor).toBeNull();
  });

  test.each([
    ['a newline (a forged log line)', 'alice\nINFO admin logged in'],
    ['a trailing carriage return', 'alice\r'],
    ['a bell', 'ali\u0007ce'],
    ['an escape sequence', '\u001b[31malice'],
    ['DEL', 'alice\u007f'],
    ['U+0000', 'alice\u0000'],
    ['a lone surrogate', 'alice\uD800'],
    ['10,000 characters', 'a'.repeat(10_000)],
    ['257 bytes', 'a'.repeat(257)],
    ['86 three-byte characters (258 bytes)', '€'.repeat(86)],
  ])('is null, not a cut or cleaned value, when it holds %s', (_, hostile) => {
    expect(restActor({ authorizer: { actor: hostile } })).toBeNull();
  });

  test('is null rather than the next source when the first present is implausible', () => {
    const actor = restActor({ authorizer: { actor: 'alice\n', claims: { sub: 'bob' } } });

    expect(actor).toBeNull();
  });

  test('keeps a value of exactly 256 bytes as it is', () => {
    const longest = `${'€'.repeat(85)}a`;

    expect(restActor({ authorizer: { actor: longest } })).toBe(longest);
  });
});

describe('the actor of an HTTP API request', () => {
  test("is the Lambda authorizer's actor, before JWT claims and the IAM principal", () => {
    const actor = httpApiActor({
      lambda: { actor: 'alice' },
      jwt: { claims: { sub: 'jwt-sub' } },
      iam: { userArn: ROLE_ARN },
    });

    expect(actor).toBe('alice');
  });

  test("is a JWT authorizer's sub claim, before the IAM principal", () => {
    expect(
      httpApiActor({ jwt: { claims: { sub: 'jwt-sub' }, scopes: [] }, iam: { userArn: ROLE_ARN } }),
    ).toBe('jwt-sub');
  });

  test('is the IAM principal', () => {
    expect(httpApiActor({ iam: { userArn: ROLE_ARN } })).toBe(ROLE_ARN);
  });

  test('is null without an authorizer', () => {
    expect(httpApiActor(undefined)).toBeNull();
  });

  test('is null when it holds a control character', () => {
    expect(httpApiActor({ lambda: { actor: 'alice\tbob' } })).toBeNull();
  });
});
