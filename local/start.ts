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
    auth: { type: 'string', default: 'iam' },
    context: { type: 'string', short: 'c', multiple: true, default: [] },
    port: { type: 'string', default: '3000' },
    'maintenance-every': { type: 'string' },
    'state-dir': { type: 'string', default: fileURLToPath(new URL('../.hive-journal/', import.meta.url)) },
  },
});

const context = { ...authContext(values.auth), ...contextOf(values.context) };
const started = performance.now();
const stack = await startLocalStack({
  stateDir: values['state-dir'],
  fresh: values.fresh,
  demo: values.demo,
  open: values.open,
  stage: values.stage,
  context,
  apiPort: Number(values.port),
  ...(values['maintenance-every'] ? { scheduleEveryMs: parseDurationMs(values['maintenance-every']) } : {}),
  log: (line) => console.log(`[hive-journal] ${line}`),
});
const { endpoints, summary } = stack;
const { accessKeyId, secretAccessKey } = endpoints.credentials;
const signed = endpoints.oidcIssuer
  ? `TOKEN=$(npx hive-journal token --scope journal.read)\n                      curl -H "Authorization: Bearer $TOKEN"`
  : `curl --aws-sigv4 "aws:amz:${endpoints.region}:execute-api" --user "${accessKeyId}:${secretAccessKey}"`;
const authorization = values.open
  ? 'authorization NOT checked: --open'
  : endpoints.oidcIssuer
    ? `bearer tokens of ${endpoints.oidcIssuer}`
    : 'AWS_IAM: sign with SigV4';
console.log(`
hive-journal (${values.stage}) is running locally: the synthesized template, ${summary.synthesis}
${summary.table}
${summary.overrides.map((override) => `  override: ${override}\n`).join('')}
  HTTP API       ${endpoints.apiUrl}   (the stack's ApiUrl; ${authorization})
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

/**
 * `--auth jwt`: the API takes bearer tokens of the local OIDC issuer, which the stack then runs on
 * this fixed loopback port (the synthesized app stays cached across starts). These are the context
 * values a deployer passes with `-c`; any of them can be overridden with `-c name=value`.
 */
function authContext(auth: string): Record<string, string> {
  if (auth === 'iam') return {};
  if (auth !== 'jwt') throw new Error(`--auth must be iam or jwt (got ${auth}); other modes: -c auth=...`);
  return {
    auth: 'jwt',
    jwtIssuer: 'http://127.0.0.1:4599',
    jwtAudience: 'hive-journal-local',
    readScopes: 'journal.read',
    writeScopes: 'journal.write',
  };
}

function contextOf(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`-c takes name=value (got ${pair})`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}
