import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDurationMs } from './duration.ts';
import { startLocalStack } from './local-stack.ts';

// `npm start [-- --fresh]`: the synthesized stack on this machine, no Docker, no AWS account.
// Lambda runs functions in UTC; the functions' workers share this process's time zone.
process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    demo: { type: 'boolean', default: false },
    open: { type: 'boolean', default: false },
    stage: { type: 'string', default: 'dev' },
    port: { type: 'string', default: '3000' },
    'maintenance-every': { type: 'string' },
    'state-dir': { type: 'string', default: fileURLToPath(new URL('../.hive-journal/', import.meta.url)) },
  },
});

const started = performance.now();
const stack = await startLocalStack({
  stateDir: values['state-dir'],
  fresh: values.fresh,
  demo: values.demo,
  open: values.open,
  stage: values.stage,
  apiPort: Number(values.port),
  ...(values['maintenance-every'] ? { scheduleEveryMs: parseDurationMs(values['maintenance-every']) } : {}),
  log: (line) => console.log(`[hive-journal] ${line}`),
});
const { endpoints, summary } = stack;
const { accessKeyId, secretAccessKey } = endpoints.credentials;
const signed = `curl --aws-sigv4 "aws:amz:${endpoints.region}:execute-api" --user "${accessKeyId}:${secretAccessKey}"`;
console.log(`
hive-journal (${values.stage}) is running locally: the synthesized template, ${summary.synthesis}
${summary.table}
${summary.overrides.map((override) => `  override: ${override}\n`).join('')}
  HTTP API       ${endpoints.apiUrl}   (the stack's ApiUrl; ${values.open ? 'authorization NOT checked: --open' : 'AWS_IAM: sign with SigV4'})
                 try: curl ${endpoints.apiUrl}health
                      ${signed} \\
                        '${endpoints.apiUrl}api/journal/hive/page?limit=20'
  credentials    region ${endpoints.region}, access key ${accessKeyId} (secret in local.json)
  Lambda invoke  ${endpoints.lambdaEndpoint}  (${Object.values(endpoints.functions).length} functions)
  SQS            ${endpoints.sqsEndpoint}
                 ingest queue ${endpoints.queueUrl}
                 dead letters ${endpoints.dlqUrl}
  RDS Data API   ${endpoints.dataApiEndpoint}
                 resourceArn ${endpoints.resourceArn}
                 secretArn   ${endpoints.secretArn}
                 database    ${endpoints.database}
  PostgreSQL     ${endpoints.databaseUrl}
  function logs  ${values['state-dir']}logs/<logical id>.log
  (also written to ${values['state-dir']}local.json; ready in ${((performance.now() - started) / 1000).toFixed(1)} s)
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
