import { describe, expect, test } from 'vitest';
import { TemplateError } from '../../local/template/cfn-template.ts';
import { formatResourceTable, planResources } from '../../local/template/resource-plan.ts';

describe('planResources', () => {
  test('says for each resource whether it runs, is emulated or is not emulated', () => {
    const plan = planResources({
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Handler: 'index.handler', Runtime: 'nodejs24.x' },
        },
        Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Anything: 1 } },
      },
    });

    expect(plan.map((row) => [row.logicalId, row.treatment])).toEqual([
      ['Fn', 'run'],
      ['Queue', 'emulated'],
      ['Alarm', 'not emulated'],
    ]);
    expect(formatResourceTable(plan)).toMatch(/Alarm\s+AWS::CloudWatch::Alarm\s+not emulated/);
  });

  test('stops on an unknown type and on a property of a run resource it does not understand, naming both', () => {
    const run = () =>
      planResources({
        Resources: {
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: { Handler: 'index.handler', Layers: ['arn:layer'] },
          },
          Bucket: { Type: 'AWS::S3::Bucket' },
        },
      });

    expect(run).toThrow(TemplateError);
    expect(run).toThrow(
      /Fn\.Layers: the local cloud does not understand this property of AWS::Lambda::Function/,
    );
    expect(run).toThrow(/Bucket: the resource type AWS::S3::Bucket is not supported/);
  });

  test('leaves out resources whose condition is false', () => {
    const plan = planResources(
      { Resources: { Meta: { Type: 'AWS::CDK::Metadata', Condition: 'Never' } } },
      (id) => id !== 'Meta',
    );

    expect(plan).toEqual([]);
  });
});
