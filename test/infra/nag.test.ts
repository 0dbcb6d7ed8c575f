import { App, Aspects, type CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, test } from 'vitest';
import { JournalService, type JournalServiceProps } from '../../infra/journal-service.ts';
import { JournalStack } from '../../infra/journal-stack.ts';
import { CDK_CONTEXT, SKIP_BUNDLING } from './journal-synth.ts';

interface Suppression {
  readonly id: string;
  readonly reason: string;
}

/**
 * An app for nag runs. The report flag is off so that findings stay annotations to list (with it on,
 * the first error aborts the synth, as it does in `cdk synth`).
 */
function nagApp(): App {
  return new App({
    context: { ...CDK_CONTEXT, ...SKIP_BUNDLING, '@aws-cdk/core:annotationsInValidationReport': false },
  });
}

/** The AwsSolutions findings left unsuppressed in a stack, as `rule: path` lines. */
function unsuppressedFindings(stack: Stack): string[] {
  Aspects.of(stack).add(new AwsSolutionsChecks());
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp('AwsSolutions-|CdkNag');
  return [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)].map(
    (finding) => `${String(finding.entry.data).split(':')[0]}: ${finding.id}`,
  );
}

const journalStack = (service: JournalServiceProps = {}) =>
  new JournalStack(nagApp(), 'JournalNag', { service });

describe('cdk-nag AwsSolutions', () => {
  test('finds nothing unsuppressed in the production stack', () => {
    expect(unsuppressedFindings(journalStack())).toEqual([]);
  });

  test('finds nothing unsuppressed in a dev stack with CORS, public metrics and a WAF web ACL', () => {
    const stack = journalStack({
      dev: true,
      database: { minCapacity: 0 },
      api: {
        corsOrigins: ['https://hive.example.com'],
        publicMetrics: true,
        webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/journal/abc',
      },
    });

    expect(unsuppressedFindings(stack)).toEqual([]);
  });

  test('finds nothing unsuppressed in the journal with a Cognito authorizer', () => {
    const stack = new Stack(nagApp(), 'JournalNagCognito');
    const userPool = new UserPool(stack, 'Users');
    new JournalService(stack, 'Journal', {
      api: {
        authorization: { kind: 'cognito', userPools: [userPool], readScopes: ['r'], writeScopes: ['w'] },
      },
    });

    // The pool is the test's, not the journal's: its own findings (MFA, advanced security) are not ours.
    expect(unsuppressedFindings(stack).filter((finding) => !finding.includes('/Users/'))).toEqual([]);
  });

  test('finds nothing unsuppressed in the journal with a bearer-token (jwt) authorizer and CORS', () => {
    const stack = journalStack({
      api: {
        corsOrigins: ['https://hive.example.com'],
        authorization: {
          kind: 'jwt',
          issuer: 'https://auth.example.com',
          audience: ['hive-journal'],
          readScopes: ['journal.read'],
          writeScopes: ['journal.write'],
        },
      },
    });

    expect(unsuppressedFindings(stack)).toEqual([]);
  });

  test('gives every suppression a reason of its own', () => {
    const stack = journalStack();
    const suppressions = stack.node
      .findAll()
      .flatMap(
        (construct) =>
          ((construct as CfnResource).cfnOptions?.metadata?.cdk_nag?.rules_to_suppress ??
            []) as Suppression[],
      );

    expect(suppressions.length).toBeGreaterThan(5);
    for (const suppression of suppressions)
      expect(suppression.reason.length, suppression.id).toBeGreaterThan(40);
  });
});
