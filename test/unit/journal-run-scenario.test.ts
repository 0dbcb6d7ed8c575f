import { describe, expect, test } from 'vitest';
import type { JsonObject } from '../../lib/journal/json-value.ts';
import { SCENARIO_ID_MAX_BYTES, scenarioIdOf } from '../../lib/journal/run-scenario.ts';

function event(kind: string, type: string, payloads: { data?: unknown; raw?: unknown } = {}) {
  return {
    kind,
    type,
    data: (payloads.data ?? null) as JsonObject | null,
    raw: (payloads.raw ?? null) as JsonObject | null,
  };
}

const withRuntime = (templateId: unknown) => ({
  raw: { kind: 'result', runtime: { templateId, runId: 'r' } },
});

describe('scenarioIdOf', () => {
  test.each([
    ["the orchestrator's create command", event('command', 'swarm-create', { data: { templateId: 'demo' } })],
    ['a create signal (older PocketHive)', event('signal', 'swarm-create', { data: { templateId: 'demo' } })],
    ["the controller's start result", event('result', 'swarm-start', withRuntime('demo'))],
    ["the controller's stop outcome", event('outcome', 'swarm-stop', withRuntime('demo'))],
    [
      'a create command whose data does not say, by its raw runtime',
      event('command', 'swarm-create', withRuntime('demo')),
    ],
    [
      'a template id with spaces around it',
      event('command', 'swarm-create', { data: { templateId: '  demo ' } }),
    ],
  ])('reads %s', (_, input) => {
    expect(scenarioIdOf(input)).toBe('demo');
  });

  test('prefers the create data to the raw runtime', () => {
    const both = event('command', 'swarm-create', {
      data: { templateId: 'asked' },
      ...withRuntime('running'),
    });

    expect(scenarioIdOf(both)).toBe('asked');
  });

  test.each([
    ['a config-update result (not a lifecycle event)', event('result', 'config-update', withRuntime('demo'))],
    ['an alert (not a lifecycle event)', event('event', 'alert', withRuntime('demo'))],
    ['data.templateId of a start result', event('result', 'swarm-start', { data: { templateId: 'demo' } })],
    ['no payloads', event('command', 'swarm-create')],
    ['a runtime that is an array', event('result', 'swarm-start', { raw: { runtime: ['demo'] } })],
    ['a number', event('command', 'swarm-create', { data: { templateId: 7 } })],
    ['blank', event('command', 'swarm-create', { data: { templateId: ' \t ' } })],
    ['a control character', event('result', 'swarm-start', withRuntime('de\u007fmo'))],
    [
      'one byte over the bound',
      event('command', 'swarm-create', { data: { templateId: 'x'.repeat(SCENARIO_ID_MAX_BYTES + 1) } }),
    ],
  ])('reads nothing from %s', (_, input) => {
    expect(scenarioIdOf(input)).toBeNull();
  });

  test('keeps an id of exactly the bound', () => {
    const longest = 'x'.repeat(SCENARIO_ID_MAX_BYTES);

    expect(scenarioIdOf(event('command', 'swarm-create', { data: { templateId: longest } }))).toBe(longest);
  });

  test('falls back to the raw runtime when the create data holds no usable id', () => {
    const input = event('command', 'swarm-create', { data: { templateId: '' }, ...withRuntime('running') });

    expect(scenarioIdOf(input)).toBe('running');
  });
});
