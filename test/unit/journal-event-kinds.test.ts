import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { ALERT_CODES, EVENT_KINDS, isKnownKind } from '../../lib/journal/event-kinds.ts';
import { isLifecycleEvent, lifecycleStateOf } from '../../lib/journal/run-lifecycle.ts';
import { SCENARIO_ID_SOURCES } from '../../lib/journal/run-scenario.ts';

function verdict(kind: string, type: string, status?: string) {
  return { kind, type, data: status === undefined ? null : { status } };
}

describe('isKnownKind', () => {
  test.each([
    'signal',
    'outcome',
    'result',
    'event',
    'local',
    'plan',
    'worker',
    'infra',
    'command',
    'operation-terminal',
  ])('knows %s, which PocketHive writes', (kind) => {
    expect(isKnownKind(kind)).toBe(true);
  });

  test('knows audit, which hive-journal writes for operator actions', () => {
    expect(isKnownKind('audit')).toBe(true);
  });

  test.each(['telemetry', 'Signal', '', 'policy'])('does not know %j', (kind) => {
    expect(isKnownKind(kind)).toBe(false);
  });
});

describe('the event-kind catalogue', () => {
  test('lists each kind once', () => {
    const kinds = EVENT_KINDS.map((entry) => entry.kind);

    expect(new Set(kinds).size).toBe(kinds.length);
  });

  test('is documented in docs/event-kinds.md, every kind and every type', async () => {
    const { doc, tableRowKeys } = await eventKindsDoc();

    const missing = EVENT_KINDS.flatMap((entry) => [
      // A table row of its own, "| `kind` |", however the formatter pads the cell.
      ...(tableRowKeys.has(`\`${entry.kind}\``) ? [] : [`kind ${entry.kind}`]),
      ...entry.types
        .filter((type) => !doc.includes(`\`${type}\``))
        .map((type) => `type ${entry.kind}/${type}`),
    ]);

    expect(missing).toEqual([]);
  });

  test('documents every alert code in a table row of its own in docs/event-kinds.md', async () => {
    const { tableRowKeys } = await eventKindsDoc();

    expect(ALERT_CODES.filter((entry) => !tableRowKeys.has(`\`${entry.code}\``))).toEqual([]);
  });

  test("documents every field a run's scenario is read from in docs/event-kinds.md", async () => {
    const { doc } = await eventKindsDoc();

    const fields = SCENARIO_ID_SOURCES.map((source) => `\`${source.path.join('.')}\``);

    expect(fields.filter((field) => !doc.includes(field))).toEqual([]);
  });
});

/** docs/event-kinds.md, and the first cells of its table rows ("| `kind` |", however it is padded). */
async function eventKindsDoc(): Promise<{ doc: string; tableRowKeys: Set<string | undefined> }> {
  const doc = await readFile(new URL('../../docs/event-kinds.md', import.meta.url), 'utf8');
  const tableRowKeys = new Set(
    doc
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) => line.split('|')[1]?.trim()),
  );
  return { doc, tableRowKeys };
}

describe('lifecycleStateOf', () => {
  test.each([
    [verdict('command', 'swarm-create'), 'CREATING'],
    [verdict('signal', 'swarm-start'), 'STARTING'],
    [verdict('signal', 'swarm-stop'), 'STOPPING'],
    [verdict('signal', 'swarm-remove'), 'REMOVING'],
    [verdict('outcome', 'swarm-create', 'Ready'), 'READY'],
    [verdict('outcome', 'swarm-template', 'Ready'), 'READY'],
    [verdict('outcome', 'swarm-start', 'Running'), 'RUNNING'],
    [verdict('outcome', 'swarm-stop', 'Stopped'), 'STOPPED'],
    [verdict('outcome', 'swarm-remove', 'Removed'), 'REMOVED'],
    [verdict('outcome', 'swarm-start', 'running'), 'RUNNING'],
    [verdict('outcome', 'swarm-start', 'Failed'), 'FAILED'],
    [verdict('result', 'swarm-start', 'Succeeded'), 'RUNNING'],
    [verdict('result', 'swarm-stop', 'TimedOut'), 'FAILED'],
    [verdict('operation-terminal', 'swarm-remove', 'Succeeded'), 'REMOVED'],
    [verdict('operation-terminal', 'swarm-create', 'Rejected'), 'FAILED'],
    [verdict('swarm-catalogue-forgotten', 'swarm-catalogue-forgotten'), 'REMOVED'],
  ])('maps %j to %s', (event, state) => {
    expect(lifecycleStateOf(event)).toBe(state);
  });

  test.each([
    ['a start outcome that is not ready yet', verdict('outcome', 'swarm-start', 'NotReady')],
    ['a start outcome without a status', verdict('outcome', 'swarm-start')],
    ['a stop outcome with the status of another command', verdict('outcome', 'swarm-stop', 'Running')],
    ['a template signal', verdict('signal', 'swarm-template')],
    ['a config-update outcome', verdict('outcome', 'config-update', 'Applied')],
    ['a plan step', verdict('plan', 'scenario-step-started')],
    ['an alert', verdict('event', 'alert')],
    ['a start type under an unrelated kind', verdict('local', 'swarm-start')],
    ['a type named like an Object method', verdict('outcome', 'toString', 'Succeeded')],
  ])('maps %s to no state', (_, event) => {
    expect(lifecycleStateOf(event)).toBeNull();
  });
});

describe('isLifecycleEvent', () => {
  test.each([
    verdict('command', 'swarm-create'),
    verdict('signal', 'swarm-template'),
    verdict('outcome', 'swarm-start', 'NotReady'),
    verdict('result', 'swarm-remove', 'Succeeded'),
    verdict('plan', 'scenario-step-failed'),
    verdict('plan', 'scenario-plan-completed'),
    verdict('swarm-catalogue-forgotten', 'swarm-catalogue-forgotten'),
  ])('counts %j as a lifecycle event', (event) => {
    expect(isLifecycleEvent(event)).toBe(true);
  });

  test.each([
    verdict('outcome', 'config-update', 'Applied'),
    verdict('signal', 'swarm-plan'),
    verdict('event', 'alert'),
    verdict('local', 'worker-error'),
    verdict('plan', 'something-new'),
  ])('does not count %j as a lifecycle event', (event) => {
    expect(isLifecycleEvent(event)).toBe(false);
  });
});
