import { describe, expect, test } from 'vitest';
import type { JournalEvent } from '../../lib/journal/event-schema.ts';
import { deriveEventUid } from '../../lib/journal/event-uid.ts';
import { type ParseEventResult, parseJournalEvent } from '../../lib/journal/parse-event.ts';

const CTX = { messageId: 'msg-1', index: 0 };

/**
 * A swarm journal entry as PocketHive's swarm controller serialises a SwarmJournalEntry (Jackson,
 * NON_NULL: absent nulls, Instant with nanoseconds), with the runId its REST pages carry.
 */
function pocketHiveSwarmEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: '2026-07-22T12:34:56.123456789Z',
    swarmId: 'demo',
    runId: 'run-20260722-123455Z',
    severity: 'INFO',
    direction: 'IN',
    kind: 'signal',
    type: 'swarm-start',
    origin: 'orchestrator-1',
    scope: { swarmId: 'demo', role: 'swarm-controller', instance: 'demo-marshal-bee-1234' },
    correlationId: '5f1c7a52-3c0e-4c43-9a07-2b1b0c6f1e11',
    idempotencyKey: '0a8e2a36-9f58-4b0e-8f3c-8c1f2f0f5a22',
    routingKey: 'signal.swarm-start.demo.swarm-controller.demo-marshal-bee-1234',
    data: {},
    raw: { kind: 'signal', type: 'swarm-start', origin: 'orchestrator-1' },
    ...overrides,
  };
}

/** An item of PocketHive's GET /api/journal/hive/page: nulls written out, numeric eventId. */
function pocketHiveHivePageItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: 123,
    timestamp: '2025-01-01T12:34:56Z',
    swarmId: 'hive',
    runId: 'hive',
    severity: 'WARN',
    direction: 'LOCAL',
    kind: 'infra',
    type: 'journal-backpressure-start',
    origin: 'orchestrator',
    scope: { swarmId: 'hive', role: 'orchestrator', instance: 'journal' },
    correlationId: null,
    idempotencyKey: null,
    routingKey: null,
    data: { policy: 'dropping INFO' },
    raw: null,
    extra: null,
    ...overrides,
  };
}

/** hive-journal's own flat form. */
function flatEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: '2026-07-22T12:00:00Z',
    scope: 'SWARM',
    swarmId: 'demo',
    runId: 'run-1',
    role: 'generator',
    instance: 'demo-generator-1',
    severity: 'ERROR',
    direction: 'LOCAL',
    kind: 'local',
    type: 'worker-error',
    origin: 'demo-marshal-bee-1234',
    ...overrides,
  };
}

function accepted(result: ParseEventResult): JournalEvent {
  if (!result.ok) throw new Error(`expected the event to be accepted, got: ${result.reason}`);
  return result.event;
}

function rejection(result: ParseEventResult): string {
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.reason;
}

describe('parseJournalEvent with PocketHive entries', () => {
  test('accepts a swarm journal entry as PocketHive serialises it and keeps its fields', () => {
    const event = accepted(parseJournalEvent(pocketHiveSwarmEntry(), CTX));

    expect(event).toMatchObject({
      scope: 'SWARM',
      swarmId: 'demo',
      runId: 'run-20260722-123455Z',
      role: 'swarm-controller',
      instance: 'demo-marshal-bee-1234',
      severity: 'INFO',
      direction: 'IN',
      kind: 'signal',
      type: 'swarm-start',
      origin: 'orchestrator-1',
      correlationId: '5f1c7a52-3c0e-4c43-9a07-2b1b0c6f1e11',
      routingKey: 'signal.swarm-start.demo.swarm-controller.demo-marshal-bee-1234',
      data: {},
      raw: { kind: 'signal', type: 'swarm-start', origin: 'orchestrator-1' },
      extra: null,
      traceId: null,
      actor: null,
      namespacePath: [],
    });
  });

  test('truncates a nanosecond Instant to the microseconds PostgreSQL stores', () => {
    const event = accepted(parseJournalEvent(pocketHiveSwarmEntry(), CTX));

    expect(event.timestamp).toBe('2026-07-22T12:34:56.123456Z');
  });

  test('files a nested-scope entry in the hive journal when journalScope says HIVE', () => {
    const event = accepted(parseJournalEvent(pocketHiveHivePageItem({ journalScope: 'HIVE' }), CTX));

    expect(event.scope).toBe('HIVE');
  });

  test('files a nested-scope entry without journalScope in the swarm journal', () => {
    const event = accepted(parseJournalEvent(pocketHiveHivePageItem(), CTX));

    expect(event.scope).toBe('SWARM');
  });

  test("keeps a page item's eventId, which the schema does not know, in extra._unknownFields", () => {
    const result = parseJournalEvent(pocketHiveHivePageItem(), CTX);

    expect(accepted(result).extra).toEqual({ _unknownFields: { eventId: 123 } });
    expect(result.ok && result.unknownFields).toEqual(['eventId']);
  });

  test('turns null, blank and missing scope segments into ALL, as PocketHive backfills them', () => {
    const withNulls = accepted(
      parseJournalEvent(
        pocketHiveSwarmEntry({ scope: { swarmId: 'demo', role: null, instance: '  ' } }),
        CTX,
      ),
    );
    const withoutKeys = accepted(
      parseJournalEvent(pocketHiveSwarmEntry({ scope: { swarmId: 'demo' } }), CTX),
    );

    expect([withNulls.role, withNulls.instance]).toEqual(['ALL', 'ALL']);
    expect([withoutKeys.role, withoutKeys.instance]).toEqual(['ALL', 'ALL']);
  });

  test('writes any casing of "all" in a scope segment as the literal ALL', () => {
    const event = accepted(
      parseJournalEvent(
        pocketHiveSwarmEntry({ scope: { swarmId: 'aLL', role: 'All', instance: 'all' } }),
        CTX,
      ),
    );

    expect([event.scopeSwarmId, event.role, event.instance]).toEqual(['ALL', 'ALL', 'ALL']);
  });

  test('takes the swarm id from scope.swarmId when the entry has no top-level swarmId', () => {
    const entry = pocketHiveSwarmEntry();
    delete entry.swarmId;

    const event = accepted(parseJournalEvent(entry, CTX));

    expect([event.swarmId, event.scopeSwarmId]).toEqual(['demo', 'demo']);
  });

  test('keeps a subject swarm that differs from the journal swarm, as hive error entries have', () => {
    const entry = pocketHiveHivePageItem({
      scope: { swarmId: 'ALL', role: 'orchestrator', instance: 'journal' },
    });

    const event = accepted(parseJournalEvent(entry, CTX));

    expect([event.swarmId, event.scopeSwarmId]).toEqual(['hive', 'ALL']);
  });

  test('rejects an entry without runId, which PocketHive itself refuses to guess', () => {
    const entry = pocketHiveSwarmEntry();
    delete entry.runId;

    expect(rejection(parseJournalEvent(entry, CTX))).toBe('runId: is required');
  });

  test('rejects an unknown key inside the nested scope and names it', () => {
    const reason = rejection(
      parseJournalEvent(pocketHiveSwarmEntry({ scope: { swarmId: 'demo', team: 'x' } }), CTX),
    );

    expect(reason).toBe('scope: unknown field(s) team (scope has only swarmId, role and instance)');
  });

  test('names the nested field when a nested scope segment is too long', () => {
    const reason = rejection(
      parseJournalEvent(pocketHiveSwarmEntry({ scope: { swarmId: 'demo', role: 'r'.repeat(129) } }), CTX),
    );

    expect(reason).toBe('scope.role: must be at most 128 bytes (UTF-8)');
  });

  test('rejects top-level role and instance beside a nested scope', () => {
    const reason = rejection(parseJournalEvent(pocketHiveSwarmEntry({ role: 'generator' }), CTX));

    expect(reason).toBe('role: must be inside scope when scope is an object');
  });
});

describe('parseJournalEvent with the flat form', () => {
  test('accepts the flat form and keeps role and instance', () => {
    const event = accepted(parseJournalEvent(flatEvent(), CTX));

    expect(event).toMatchObject({
      scope: 'SWARM',
      swarmId: 'demo',
      scopeSwarmId: 'demo',
      role: 'generator',
      instance: 'demo-generator-1',
    });
  });

  test('normalises the flat and the nested form of the same entry to the same event', () => {
    const flat = accepted(parseJournalEvent(flatEvent({ scope: 'HIVE' }), CTX));
    const nested = flatEvent({
      journalScope: 'HIVE',
      scope: { swarmId: 'demo', role: 'generator', instance: 'demo-generator-1' },
    });
    delete nested.role;
    delete nested.instance;

    expect(accepted(parseJournalEvent(nested, CTX))).toEqual(flat);
  });

  test('requires swarmId in the flat form', () => {
    const entry = flatEvent();
    delete entry.swarmId;

    expect(rejection(parseJournalEvent(entry, CTX))).toBe('swarmId: is required');
  });

  test('rejects journalScope in the flat form, where scope already says it', () => {
    expect(rejection(parseJournalEvent(flatEvent({ journalScope: 'HIVE' }), CTX))).toBe(
      'journalScope: is only allowed when scope is an object',
    );
  });

  test('accepts the hive-journal additions: eventUid, traceId, actor and namespacePath', () => {
    const event = accepted(
      parseJournalEvent(
        flatEvent({
          eventUid: '6F9619FF-8B86-4011-B42D-00C04FC964FF',
          traceId: '1-5759e988-bd862e3fe1be46a994272793',
          actor: 'alice@example.com',
          namespacePath: ['acme', 'perf-team', 'alice'],
        }),
        CTX,
      ),
    );

    expect(event).toMatchObject({
      eventUid: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
      actor: 'alice@example.com',
      namespacePath: ['acme', 'perf-team', 'alice'],
    });
  });

  test('derives the eventUid from the message id and index when the producer sends none', () => {
    const event = accepted(parseJournalEvent(flatEvent(), { messageId: 'msg-7', index: 3 }));

    expect(event.eventUid).toBe(deriveEventUid('msg-7', 3));
  });

  test('accepts a W3C trace id', () => {
    const event = accepted(
      parseJournalEvent(flatEvent({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }), CTX),
    );

    expect(event.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  test('turns blank optional strings into null', () => {
    const event = accepted(parseJournalEvent(flatEvent({ correlationId: ' ', actor: '' }), CTX));

    expect([event.correlationId, event.actor]).toEqual([null, null]);
  });

  test('flags a kind PocketHive does not write but accepts the event', () => {
    const result = parseJournalEvent(flatEvent({ kind: 'telemetry' }), CTX);

    expect(result.ok && result.unknownKind).toBe(true);
  });

  test('does not flag a kind PocketHive writes', () => {
    const result = parseJournalEvent(flatEvent({ kind: 'plan' }), CTX);

    expect(result.ok && result.unknownKind).toBe(false);
  });
});

describe('parseJournalEvent timestamps', () => {
  test('normalises an offset to the UTC instant', () => {
    const event = accepted(parseJournalEvent(flatEvent({ timestamp: '2026-07-22T14:00:00.5+02:00' }), CTX));

    expect(event.timestamp).toBe('2026-07-22T12:00:00.500000Z');
  });

  test('normalises a negative offset across midnight and a year end', () => {
    const event = accepted(parseJournalEvent(flatEvent({ timestamp: '2025-12-31T23:30:00-01:00' }), CTX));

    expect(event.timestamp).toBe('2026-01-01T00:30:00.000000Z');
  });

  test.each([
    ['a local time without offset', '2026-07-22T12:00:00'],
    ['a date only', '2026-07-22'],
    ['February 30th', '2026-02-30T00:00:00Z'],
    ['hour 24', '2026-07-22T24:00:00Z'],
    ['a leap second', '2026-06-30T23:59:60Z'],
    ['an offset beyond 18 hours', '2026-07-22T12:00:00+19:00'],
    ['a year before 1970', '1969-12-31T23:59:59Z'],
    ['lower-case t and z', '2026-07-22t12:00:00z'],
    ['epoch seconds', 1_784_721_600],
  ])('rejects %s', (_, timestamp) => {
    expect(rejection(parseJournalEvent(flatEvent({ timestamp }), CTX))).toMatch(/^timestamp: /);
  });

  test('accepts February 29th of a leap year', () => {
    expect(accepted(parseJournalEvent(flatEvent({ timestamp: '2028-02-29T00:00:00Z' }), CTX)).timestamp).toBe(
      '2028-02-29T00:00:00.000000Z',
    );
  });
});

describe('parseJournalEvent rejections', () => {
  test('rejects a value that is not an object', () => {
    expect(rejection(parseJournalEvent(['not', 'an', 'event'], CTX))).toBe('event must be a JSON object');
  });

  test('names every missing required field', () => {
    expect(rejection(parseJournalEvent({ scope: 'SWARM', swarmId: 'demo' }, CTX))).toBe(
      'timestamp: is required; runId: is required; severity: is required; direction: is required; kind: is required; type: is required; origin: is required',
    );
  });

  test.each([
    ['severity', 'warning', 'severity: must be one of DEBUG, INFO, WARN, ERROR'],
    ['severity', 'info', 'severity: must be one of DEBUG, INFO, WARN, ERROR'],
    ['direction', 'SIDEWAYS', 'direction: must be one of IN, OUT, LOCAL'],
    ['scope', 'TEAM', 'scope: must be "SWARM", "HIVE" or an object {swarmId, role, instance}'],
    ['kind', '  ', 'kind: must not be blank'],
    ['kind', 'k'.repeat(65), 'kind: must be at most 64 bytes (UTF-8)'],
    ['type', 'é'.repeat(65), 'type: must be at most 128 bytes (UTF-8)'],
    ['origin', 'line\nbreak', 'origin: must not contain control characters'],
    ['eventUid', 'not-a-uuid', 'eventUid: must be a UUID'],
    [
      'traceId',
      '4BF92F3577B34DA6A3CE929D0E0E4736',
      'traceId: must be a W3C trace id (32 lower-case hex) or an X-Ray trace id (1-xxxxxxxx-xxx…)',
    ],
    ['traceId', '0'.repeat(32), 'traceId: must not be all zeros (an invalid W3C trace id)'],
    ['namespacePath', Array(9).fill('x'), 'namespacePath: must have at most 8 segments'],
    [
      'namespacePath',
      ['org', '../etc'],
      'namespacePath[1]: must be letters, digits and . _ @ : - (starting with a letter or digit)',
    ],
    ['data', [1, 2], 'data: must be a JSON object or null'],
    ['raw', 'text', 'raw: must be a JSON object or null'],
  ])('rejects %s %j with a reason naming it', (field, value, reason) => {
    expect(rejection(parseJournalEvent(flatEvent({ [field]: value }), CTX))).toBe(reason);
  });

  test('rejects U+0000 in a payload, which PostgreSQL cannot store, and names where it is', () => {
    expect(rejection(parseJournalEvent(flatEvent({ data: { items: [{ name: 'a\u0000b' }] } }), CTX))).toBe(
      'data.items[0].name: contains U+0000, which PostgreSQL cannot store',
    );
  });

  test('rejects a lone surrogate in a payload key', () => {
    expect(rejection(parseJournalEvent(flatEvent({ extra: { 'bad\ud800': 1 } }), CTX))).toMatch(
      /^extra\["bad.*"\]: key contains a lone UTF-16 surrogate/,
    );
  });

  test('rejects a payload nested deeper than 64 levels', () => {
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 70; level++) deep = { a: deep };

    expect(rejection(parseJournalEvent(flatEvent({ data: deep }), CTX))).toMatch(
      /nests deeper than 64 levels$/,
    );
  });

  test('rejects a top-level "__proto__" field rather than lose it', () => {
    const input = JSON.parse(JSON.stringify(flatEvent()).replace('{', '{"__proto__": {"admin": true},'));

    expect(rejection(parseJournalEvent(input, CTX))).toBe(
      '__proto__: is not an allowed key (JavaScript objects drop or misread it)',
    );
  });

  test('rejects a "__proto__" key in a payload rather than lose it', () => {
    const input = { ...flatEvent(), data: JSON.parse('{"ok": 1, "__proto__": 2}') };

    expect(rejection(parseJournalEvent(input, CTX))).toBe(
      'data.__proto__: is not an allowed key (JavaScript objects drop or misread it)',
    );
  });

  test('rejects an unknown top-level field whose value is not JSON', () => {
    expect(rejection(parseJournalEvent(flatEvent({ weight: Number.NaN }), CTX))).toBe(
      'weight: must be a finite number',
    );
  });

  test('rejects extra._unknownFields from a producer that also sends unknown fields', () => {
    expect(
      rejection(parseJournalEvent(flatEvent({ extra: { _unknownFields: {} }, eventId: 1 }), CTX)),
    ).toMatch(/^extra: must not contain "_unknownFields"/);
  });

  test('keeps extra._unknownFields of an event re-sent without unknown fields', () => {
    const event = accepted(parseJournalEvent(flatEvent({ extra: { _unknownFields: { eventId: 1 } } }), CTX));

    expect(event.extra).toEqual({ _unknownFields: { eventId: 1 } });
  });
});
