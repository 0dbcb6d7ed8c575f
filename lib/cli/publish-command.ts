import { randomUUID } from 'node:crypto';
import { DIRECTIONS, JOURNAL_SCOPES, SEVERITIES } from '../journal/event-schema.ts';
import { parseJournalEvent } from '../journal/parse-event.ts';
import type { CliCommand } from './cli-command.ts';
import { CliError, UsageError } from './cli-errors.ts';
import { type CliIo, writeOut } from './cli-io.ts';
import { cliJournalClient } from './cli-journal-client.ts';
import { commandEndpoints } from './command-endpoints.ts';
import {
  type CommandLine,
  choiceFlag,
  ENDPOINT_OPTIONS,
  ENDPOINT_USAGE,
  jsonObjectFlag,
  parseCommandLine,
  requiredFlag,
} from './command-line.ts';
import { requireQueueUrl } from './resolve-endpoints.ts';

const NAME = 'publish';

/** Flags that describe the event; with none of them, the event is read from stdin. */
const EVENT_OPTIONS = {
  swarm: { type: 'string' },
  run: { type: 'string' },
  kind: { type: 'string' },
  type: { type: 'string' },
  severity: { type: 'string' },
  direction: { type: 'string' },
  origin: { type: 'string' },
  scope: { type: 'string' },
  role: { type: 'string' },
  instance: { type: 'string' },
  'correlation-id': { type: 'string' },
  'idempotency-key': { type: 'string' },
  'routing-key': { type: 'string' },
  'trace-id': { type: 'string' },
  actor: { type: 'string' },
  timestamp: { type: 'string' },
  'event-uid': { type: 'string' },
  data: { type: 'string' },
  raw: { type: 'string' },
  extra: { type: 'string' },
} as const;

const OPTIONS = { ...EVENT_OPTIONS, ...ENDPOINT_OPTIONS } as const;

type Flags = CommandLine<typeof OPTIONS>['values'];

const USAGE = `Usage: hive-journal publish --swarm ID --run ID --kind KIND --type TYPE [options]
       <event.json hive-journal publish

Publishes one event through the producer client onto the journal queue and prints its eventUid.
With no event flags, reads one JSON event (the JournalEvent wire form) from stdin.

Event:
  --swarm ID, --run ID       swarm and run (required)
  --kind KIND, --type TYPE   e.g. --kind event --type alert (required)
  --severity S               DEBUG, INFO, WARN or ERROR (default INFO)
  --direction D              IN, OUT or LOCAL (default LOCAL)
  --origin NAME              who emitted it (default hive-journal-cli)
  --scope S                  SWARM or HIVE journal (default SWARM)
  --role R, --instance I     the subject (default ALL)
  --correlation-id, --idempotency-key, --routing-key, --trace-id, --actor, --timestamp, --event-uid
  --data JSON, --raw JSON, --extra JSON   payload objects, e.g. --data '{"code": "io.timeout"}'

${ENDPOINT_USAGE}`;

export const publishCommand: CliCommand = {
  name: NAME,
  summary: 'publish one event (flags or JSON on stdin) onto the journal queue',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS, { max: 0 });
    if (values.help) {
      await writeOut(io.stdout, `${USAGE}\n`);
      return 0;
    }
    const endpoints = await commandEndpoints(values, io);
    requireQueueUrl(endpoints);
    const fromFlags = Object.keys(EVENT_OPTIONS).some((name) => values[name as keyof Flags] !== undefined);
    const event = fromFlags ? eventFromFlags(values) : await eventFromStdin(io);
    // What the client would fill, filled here: the uid is printed, and the check below needs both.
    event.eventUid ??= randomUUID();
    event.timestamp ??= new Date().toISOString();
    const checked = parseJournalEvent(event, { messageId: NAME, index: 0 });
    if (!checked.ok) {
      const message = `the event is not valid: ${checked.reason}`;
      throw fromFlags ? new UsageError(message) : new CliError(message);
    }

    let refused: string | undefined;
    const client = cliJournalClient(NAME, endpoints, io, (invalid) => {
      refused = invalid.reason;
    });
    client.publish(event as Parameters<typeof client.publish>[0]);
    await client.close();
    if (refused !== undefined) throw new CliError(`the event was refused: ${refused}`);
    if (client.counters().sentEvents !== 1) {
      throw new CliError(`could not send the event to ${endpoints.queueUrl?.value} (see above)`);
    }
    await writeOut(io.stdout, `${checked.event.eventUid}\n`);
    return 0;
  },
};

function eventFromFlags(values: Flags): Record<string, unknown> {
  const event: Record<string, unknown> = {
    scope: choiceFlag('scope', values.scope, JOURNAL_SCOPES) ?? 'SWARM',
    swarmId: requiredFlag('swarm', values.swarm),
    runId: requiredFlag('run', values.run),
    kind: requiredFlag('kind', values.kind),
    type: requiredFlag('type', values.type),
    severity: choiceFlag('severity', values.severity, SEVERITIES) ?? 'INFO',
    direction: choiceFlag('direction', values.direction, DIRECTIONS) ?? 'LOCAL',
    origin: values.origin ?? 'hive-journal-cli',
    role: values.role,
    instance: values.instance,
    correlationId: values['correlation-id'],
    idempotencyKey: values['idempotency-key'],
    routingKey: values['routing-key'],
    traceId: values['trace-id'],
    actor: values.actor,
    timestamp: values.timestamp,
    eventUid: values['event-uid'],
    data: jsonObjectFlag('data', values.data),
    raw: jsonObjectFlag('raw', values.raw),
    extra: jsonObjectFlag('extra', values.extra),
  };
  return Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined));
}

async function eventFromStdin(io: CliIo): Promise<Record<string, unknown>> {
  if (io.stdin.isTTY) {
    throw new UsageError(
      `give the event as flags (--swarm, --run, --kind, --type, ...) or pipe JSON on stdin`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`stdin is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`stdin must hold one JSON object (an event)`);
  }
  return parsed as Record<string, unknown>;
}
