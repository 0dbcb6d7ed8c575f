// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub's ${...} placeholders are the subject of these tests
import { describe, expect, test } from 'vitest';
import { type CfnTemplate, TemplateError } from '../../local/template/cfn-template.ts';
import { createResolver, type ResourceValues } from '../../local/template/intrinsics.ts';

const PSEUDO = {
  region: 'us-east-1',
  accountId: '000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  stackName: 'Stack',
  stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/Stack/local',
};

function templateWith(resources: Record<string, string>, extra: Partial<CfnTemplate> = {}): CfnTemplate {
  return {
    Resources: Object.fromEntries(Object.entries(resources).map(([id, type]) => [id, { Type: type }])),
    ...extra,
  };
}

const VALUES: ResourceValues = {
  ref: (id) => (id === 'Queue' ? 'http://sqs.local/000000000000/q' : id === 'Fn' ? 'fn-name' : undefined),
  attribute: (id, attribute) =>
    id === 'Fn' && attribute === 'Arn' ? 'arn:aws:lambda:us-east-1:000000000000:function:fn-name' : undefined,
};

function resolverOf(template: CfnTemplate) {
  return createResolver(template, PSEUDO, VALUES);
}

describe('the local intrinsic resolver', () => {
  const template = templateWith(
    { Queue: 'AWS::SQS::Queue', Fn: 'AWS::Lambda::Function', Alarm: 'AWS::CloudWatch::Alarm' },
    {
      Mappings: { Partitions: { aws: { suffix: 'amazonaws.com' } } },
      Conditions: { InUsEast: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } },
      Parameters: {
        Stage: { Type: 'String', Default: 'dev' },
        Boot: { Type: 'AWS::SSM::Parameter::Value<String>' },
      },
    },
  );
  const { resolve, condition } = resolverOf(template);

  test('resolves Ref, Fn::GetAtt, Fn::Join and pseudo parameters to local values', () => {
    expect(
      resolve(
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':x:', { Ref: 'AWS::Region' }, ':', { Ref: 'Fn' }],
          ],
        },
        'here',
      ),
    ).toBe('arn:aws:x:us-east-1:fn-name');
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'here')).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:fn-name',
    );
    expect(resolve({ 'Fn::GetAtt': 'Fn.Arn' }, 'here')).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:fn-name',
    );
  });

  test('substitutes Fn::Sub variables, attributes, pseudo parameters and keeps ${!literal}', () => {
    expect(
      resolve(
        {
          'Fn::Sub': ['${Fn.Arn}|${AWS::AccountId}|${Queue}|${Name}|${!Literal}', { Name: { Ref: 'Stage' } }],
        },
        'here',
      ),
    ).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:fn-name|000000000000|http://sqs.local/000000000000/q|dev|${Literal}',
    );
  });

  test('evaluates Fn::Select, Fn::Split, Fn::FindInMap, Fn::If and conditions', () => {
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, 'here')).toBe('b');
    expect(resolve({ 'Fn::FindInMap': ['Partitions', { Ref: 'AWS::Partition' }, 'suffix'] }, 'here')).toBe(
      'amazonaws.com',
    );
    expect(condition('InUsEast')).toBe(true);
    expect(resolve({ 'Fn::If': ['InUsEast', 'yes', 'no'] }, 'here')).toBe('yes');
  });

  test('drops a property whose value is AWS::NoValue, as CloudFormation does', () => {
    expect(resolve({ A: 1, B: { Ref: 'AWS::NoValue' } }, 'here')).toEqual({ A: 1 });
  });

  test.each([
    [{ 'Fn::ImportValue': 'Other-Output' }, /Fn::ImportValue is not supported/],
    [{ Ref: 'Missing' }, /Ref Missing: no such resource/],
    [{ Ref: 'Boot' }, /SSM parameters are not emulated/],
    [
      { 'Fn::GetAtt': ['Alarm', 'Arn'] },
      /Fn::GetAtt Alarm\.Arn \(AWS::CloudWatch::Alarm\) has no local value/,
    ],
    [{ 'Fn::Select': [5, ['a']] }, /out of range/],
  ])('refuses %j naming where it stands', (value, message) => {
    expect(() => resolve(value, 'Fn.Environment.Variables.X')).toThrow(TemplateError);
    expect(() => resolve(value, 'Fn.Environment.Variables.X')).toThrow(message);
    expect(() => resolve(value, 'Fn.Environment.Variables.X')).toThrow(/^Fn\.Environment\.Variables\.X: /);
  });
});
