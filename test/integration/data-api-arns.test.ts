import {
  ExecuteStatementCommand,
  HttpEndpointNotEnabledException,
  type RDSDataClient,
  SecretsErrorException,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
  LOCAL_RESOURCE_ARN,
  LOCAL_SECRET_ARN,
  type LocalDataApi,
  startLocalDataApi,
} from '../../local/data-api/start-local-data-api.ts';
import { localDataApiClient } from '../support/test-database.ts';

/**
 * The cluster a local Data API answers for: the ARNs the template resolves to, or the fixed local
 * ones by default. A request naming anything else is refused the way AWS refuses it.
 */

// Shaped like what the synthesized template resolves to (cluster Ref, secret attachment Ref).
const TEMPLATE_CLUSTER = {
  resourceArn:
    'arn:aws:rds:us-east-1:000000000000:cluster:hivejournal-dev-journaldatabasecluster-4f0a1b2c3d4e',
  secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:HiveJournaldevJournalDatabas-Xy12Ab',
};

let api: LocalDataApi;
let client: RDSDataClient;

beforeAll(async () => {
  api = await startLocalDataApi({ serverUrl: inject('postgresServerUrl'), cluster: TEMPLATE_CLUSTER });
  client = localDataApiClient(api.endpoint);
});

afterAll(async () => {
  client.destroy();
  await api.close();
});

const execute = (target: { resourceArn: string; secretArn: string }) =>
  client.send(new ExecuteStatementCommand({ ...target, sql: 'SELECT 1' }));

describe('the cluster a local Data API answers for', () => {
  test('serves requests naming the configured cluster and secret', async () => {
    const result = await execute(TEMPLATE_CLUSTER);

    expect(result.records).toEqual([[{ longValue: 1 }]]);
    expect({ resourceArn: api.resourceArn, secretArn: api.secretArn }).toEqual(TEMPLATE_CLUSTER);
  });

  // pins: a cluster the caller cannot reach through the Data API (e.g. one that no longer exists)
  // is answered "HttpEndpointNotEnabledException ... HttpEndpoint is not enabled for resource
  // arn:aws:rds:us-east-1:...:cluster:..." — observed on AWS for a deleted cluster.
  test('refuses the fixed local cluster once another cluster is configured', async () => {
    const rejection = execute({ ...TEMPLATE_CLUSTER, resourceArn: LOCAL_RESOURCE_ARN });

    await expect(rejection).rejects.toBeInstanceOf(HttpEndpointNotEnabledException);
    await expect(rejection).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
      message: `HttpEndpoint is not enabled for resource ${LOCAL_RESOURCE_ARN}`,
    });
  });

  // pins: SecretsErrorException, "The secret provided wasn't found." — RDS Data API service model.
  test('refuses a secret other than the one attached to the cluster', async () => {
    const rejection = execute({ ...TEMPLATE_CLUSTER, secretArn: LOCAL_SECRET_ARN });

    await expect(rejection).rejects.toBeInstanceOf(SecretsErrorException);
    await expect(rejection).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
      message: "The secret provided wasn't found.",
    });
  });

  test('answers for the fixed local cluster when none is configured', async () => {
    const local = await startLocalDataApi({ serverUrl: inject('postgresServerUrl') });
    const localClient = localDataApiClient(local.endpoint);
    try {
      const result = await localClient.send(
        new ExecuteStatementCommand({
          resourceArn: LOCAL_RESOURCE_ARN,
          secretArn: LOCAL_SECRET_ARN,
          sql: 'SELECT 1',
        }),
      );

      expect(result.records).toEqual([[{ longValue: 1 }]]);
      expect({ resourceArn: local.resourceArn, secretArn: local.secretArn }).toEqual({
        resourceArn: LOCAL_RESOURCE_ARN,
        secretArn: LOCAL_SECRET_ARN,
      });
    } finally {
      localClient.destroy();
      await local.close();
    }
  });
});
