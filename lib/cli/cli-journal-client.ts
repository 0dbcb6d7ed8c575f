import type { InvalidEvent } from '../client/client-options.ts';
import { createJournalClient, type JournalClient } from '../client/journal-client.ts';
import type { CliIo } from './cli-io.ts';
import { type CliEndpoints, requireQueueUrl, sqsClientConfig } from './resolve-endpoints.ts';

/**
 * The producer client for a command: sends to the endpoints' queue, reports its health on stderr
 * (sooner than a long-running service would: someone is watching), and tells `onInvalid` about events
 * it refuses.
 */
export function cliJournalClient(
  command: string,
  endpoints: CliEndpoints,
  io: Pick<CliIo, 'stderr'>,
  onInvalid: (invalid: InvalidEvent) => void,
): JournalClient {
  const log = (message: string, details?: Record<string, unknown>) =>
    io.stderr.write(`hive-journal ${command}: ${message}${details ? ` ${JSON.stringify(details)}` : ''}\n`);
  return createJournalClient({
    queueUrl: requireQueueUrl(endpoints),
    sqs: sqsClientConfig(endpoints),
    healthWarningIntervalMs: 5_000,
    logger: { info: log, warn: log },
    onInvalid,
  });
}
