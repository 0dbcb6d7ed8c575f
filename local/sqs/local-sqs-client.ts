import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { LocalSqs } from './start-local-sqs.ts';

/** A real SQS client pointed at a local endpoint, with placeholder credentials it does not check. */
export function createLocalSqsClient(
  localSqs: Pick<LocalSqs, 'endpoint' | 'region'>,
  config: SQSClientConfig = {},
) {
  return new SQSClient({
    endpoint: localSqs.endpoint,
    region: localSqs.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...config,
  });
}

/** A real SQS client of the local endpoint signing as the local account's identity. */
export function createSqsClient(
  endpoint: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): SQSClient {
  return new SQSClient({ endpoint, region, credentials });
}
