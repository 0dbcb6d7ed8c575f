import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalStack } from './local-stack.ts';

// `npm start [-- --fresh]`: the whole service on this machine, no Docker, no AWS account.
const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    demo: { type: 'boolean', default: false },
    port: { type: 'string', default: '3000' },
    'state-dir': { type: 'string', default: fileURLToPath(new URL('../.hive-journal/', import.meta.url)) },
  },
});

// Locally, CloudWatch EMF lines on stdout help nobody and routine INFO logs drown the summary;
// both can be turned back on with the usual Powertools variables.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const stack = await startLocalStack({
  stateDir: values['state-dir'],
  fresh: values.fresh,
  demo: values.demo,
  apiPort: Number(values.port),
  log: (line) => console.log(`[hive-journal] ${line}`),
});
const { endpoints } = stack;
console.log(`
hive-journal is running locally
  HTTP API       ${endpoints.apiUrl}
                 try: curl ${endpoints.apiUrl}/health
                      curl '${endpoints.apiUrl}/api/journal/hive/page?limit=20'
  Lambda invoke  ${endpoints.lambdaEndpoint}  (function: maintenance, also runs every minute)
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
