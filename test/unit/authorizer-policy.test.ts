import { describe, expect, test } from 'vitest';
import { bearerTokenOf, MAX_TOKEN_CHARS } from '../../lib/auth/bearer-token.ts';
import { MethodArnError, routePolicy } from '../../lib/auth/route-policy.ts';
import { accessOf, permissionsOf } from '../../lib/auth/token-permissions.ts';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/api/journal/hive/page';
const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1';

describe('bearerTokenOf', () => {
  test('takes the token of a Bearer header, whatever the case of the scheme', () => {
    expect(bearerTokenOf('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerTokenOf('bearer a.b.c')).toBe('a.b.c');
    expect(bearerTokenOf('BEARER a-b_c.d~e+f/g==')).toBe('a-b_c.d~e+f/g==');
  });

  test.each([
    ['no header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme alone', 'Bearer'],
    ['two spaces', 'Bearer  a.b.c'],
    ['a space inside', 'Bearer a.b c'],
    ['a token without its scheme', 'a.b.c'],
    ['a control character', 'Bearer a.b\nc'],
    ['an oversized token', `Bearer ${'a'.repeat(MAX_TOKEN_CHARS + 1)}`],
  ])('refuses %s', (_what, header) => {
    expect(bearerTokenOf(header)).toBeNull();
  });
});

describe('permissionsOf and accessOf', () => {
  test('read an OAuth scope string and claim arrays such as roles or groups', () => {
    expect(permissionsOf({ scope: 'openid journal.read  journal.write' }, 'scope')).toEqual([
      'openid',
      'journal.read',
      'journal.write',
    ]);
    expect(permissionsOf({ roles: ['journal-reader', 7, null] }, 'roles')).toEqual(['journal-reader']);
    expect(permissionsOf({ roles: { admin: true } }, 'roles')).toEqual([]);
    expect(permissionsOf({}, 'scope')).toEqual([]);
  });

  test('open each family with any one of its scopes; write does not imply read', () => {
    const rule = {
      readScopes: ['journal.read', 'journal.admin'],
      writeScopes: ['journal.write', 'journal.admin'],
    };

    expect(accessOf(['journal.read'], rule)).toEqual({ read: true, write: false });
    expect(accessOf(['journal.write'], rule)).toEqual({ read: false, write: true });
    expect(accessOf(['journal.admin'], rule)).toEqual({ read: true, write: true });
    expect(accessOf(['journal.readx', 'JOURNAL.READ'], rule)).toEqual({ read: false, write: false });
  });
});

describe('routePolicy', () => {
  const policyFor = (access: { read: boolean; write: boolean }) =>
    routePolicy({ methodArn: METHOD_ARN, principalId: 'alice', access, context: { actor: 'alice' } });

  test('allows the whole stage’s GET routes for read, so a cached decision fits every read route', () => {
    expect(policyFor({ read: true, write: false })).toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${STAGE}/GET/*`] }],
      },
      context: { actor: 'alice' },
    });
  });

  test('allows POST and DELETE for write', () => {
    const statement = policyFor({ read: true, write: true }).policyDocument.Statement[0] as {
      Resource: string[];
    };

    expect(statement.Resource).toEqual([`${STAGE}/GET/*`, `${STAGE}/POST/*`, `${STAGE}/DELETE/*`]);
  });

  test('denies everything when the token opens nothing', () => {
    expect(policyFor({ read: false, write: false }).policyDocument.Statement).toEqual([
      { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${STAGE}/*/*`] },
    ]);
  });

  test('fails on a method ARN that is not one (a misconfiguration, never the caller’s fault)', () => {
    expect(() =>
      routePolicy({
        methodArn: 'arn:aws:lambda:x',
        principalId: 'a',
        access: { read: true, write: false },
        context: {},
      }),
    ).toThrow(MethodArnError);
  });
});
