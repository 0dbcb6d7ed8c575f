import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalStack } from './local-stack.ts';

// `npm start [-- --fresh]`: the whole service on this machine, no Docker, no AWS account.
const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    'state-dir': { type: 'string', default: fileURLToPath(new URL('../.hive-journal/', import.meta.url)) },
  },
});

const stack = await startLocalStack({
  stateDir: values['state-dir'],
  fresh: values.fresh,
  log: (line) => console.log(`[hive-journal] ${line}`),
});
const { endpoints } = stack;
console.log(`
hive-journal is running locally
  SQS            ${endpoints.sqsEndpoint}
                 ingest queue ${endpoints.queueUrl}
                 dead letters ${endpoints.dlqUrl}
  RDS Data API   ${endpoints.dataApiEndpoint}
                 resourceArn ${endpoints.resourceArn}
                 secretArn   ${endpoints.secretArn}
                 database    ${endpoints.database}
  PostgreSQL     ${endpoints.databaseUrl}
  (also written to ${values['state-dir']}local.json)
Press Ctrl-C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[hive-journal] stopping…');
    stack.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
