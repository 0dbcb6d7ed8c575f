import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { journalJsonSchemas, jsonSchemaFileText } from '../../lib/journal/json-schemas.ts';
import { parseJournalEvent } from '../../lib/journal/parse-event.ts';
import { parseMessageBody } from '../../lib/journal/parse-message.ts';

const schemas = journalJsonSchemas();

function validatorOf(file: string) {
  return z.fromJSONSchema(schemas[file] as Parameters<typeof z.fromJSONSchema>[0]);
}

function flatEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: '2026-07-22T12:00:00.123Z',
    scope: 'HIVE',
    swarmId: 'hive',
    runId: 'hive',
    severity: 'WARN',
    direction: 'LOCAL',
    kind: 'infra',
    type: 'journal-backpressure-start',
    origin: 'orchestrator',
    ...overrides,
  };
}

function pocketHiveEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: 42,
    timestamp: '2026-07-22T12:34:56.123456789Z',
    swarmId: 'demo',
    runId: 'run-1',
    severity: 'INFO',
    direction: 'IN',
    kind: 'outcome',
    type: 'swarm-start',
    origin: 'demo-marshal-bee-1234',
    scope: { swarmId: 'demo', role: 'swarm-controller', instance: null },
    correlationId: null,
    idempotencyKey: null,
    routingKey: 'event.outcome.swarm-start.demo.swarm-controller.demo-marshal-bee-1234',
    data: { status: 'Running' },
    raw: null,
    extra: null,
    ...overrides,
  };
}

const ACCEPTED_SAMPLES: Array<[string, Record<string, unknown>]> = [
  ['a PocketHive entry with nulls and an eventId', pocketHiveEntry()],
  [
    'a PocketHive entry filed in the hive journal',
    pocketHiveEntry({ journalScope: 'HIVE', scope: { swarmId: 'demo' } }),
  ],
  ['a flat event', flatEvent()],
  [
    'a flat event with every addition',
    flatEvent({
      eventUid: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      actor: 'alice',
      namespacePath: ['acme', 'perf'],
      role: 'orchestrator',
      instance: null,
      data: { nested: [1, 'two', { three: true }] },
    }),
  ],
];

const REJECTED_SAMPLES: Array<[string, Record<string, unknown>]> = [
  ['a lower-case severity', flatEvent({ severity: 'warn' })],
  ['a timestamp without offset', flatEvent({ timestamp: '2026-07-22T12:00:00' })],
  ['an upper-case W3C trace id', flatEvent({ traceId: '4BF92F3577B34DA6A3CE929D0E0E4736' })],
  ['a missing runId', flatEvent({ runId: undefined })],
  ['a scope of another journal', flatEvent({ scope: 'TEAM' })],
  ['an array as data', flatEvent({ data: [1] })],
];

describe('the checked-in JSON Schemas', () => {
  test.each(Object.keys(schemas))('schemas/%s is what npm run schema:generate writes now', async (file) => {
    const checkedIn = await readFile(new URL(`../../schemas/${file}`, import.meta.url), 'utf8');

    expect(checkedIn, `schemas/${file} is stale: run npm run schema:generate`).toBe(
      jsonSchemaFileText(schemas[file] as object),
    );
  });

  test('cover the event and the message body', () => {
    expect(Object.keys(schemas).sort()).toEqual(['journal-event.schema.json', 'journal-message.schema.json']);
  });
});

describe('the event JSON Schema', () => {
  const validate = validatorOf('journal-event.schema.json');

  test.each(ACCEPTED_SAMPLES)('accepts %s, as the service does', (_, sample) => {
    expect(parseJournalEvent(sample, { messageId: 'm', index: 0 }).ok).toBe(true);
    expect(validate.safeParse(sample).success).toBe(true);
  });

  test.each(REJECTED_SAMPLES)('rejects %s, as the service does', (_, sample) => {
    const withoutUndefined = JSON.parse(JSON.stringify(sample));
    expect(parseJournalEvent(withoutUndefined, { messageId: 'm', index: 0 }).ok).toBe(false);
    expect(validate.safeParse(withoutUndefined).success).toBe(false);
  });
});

describe('the message JSON Schema', () => {
  const validate = validatorOf('journal-message.schema.json');

  test('accepts a single event and an envelope of events, as the service does', () => {
    const samples = [pocketHiveEntry(), { v: 1, events: ACCEPTED_SAMPLES.map(([, sample]) => sample) }];

    for (const sample of samples) {
      const parsed = parseMessageBody(JSON.stringify(sample), 'm');
      expect(parsed.ok && parsed.rejected).toEqual([]);
      expect(validate.safeParse(sample).success).toBe(true);
    }
  });

  test('rejects an envelope of another version, as the service does', () => {
    const sample = { v: 2, events: [flatEvent()] };

    expect(parseMessageBody(JSON.stringify(sample), 'm').ok).toBe(false);
    expect(validate.safeParse(sample).success).toBe(false);
  });
});
