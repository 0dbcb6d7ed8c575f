import { beforeAll, describe, expect, test } from 'vitest';
import {
  logicalIdOf,
  onlyResourceOf,
  render,
  resourcesOf,
  type SynthesizedJournal,
  synthJournal,
} from './journal-synth.ts';

describe('migrations on deploy', () => {
  let journal: SynthesizedJournal;
  let triggerId: string;
  beforeAll(() => {
    journal = synthJournal();
    triggerId = logicalIdOf(journal.service.migrations.trigger.node.findChild('Default'));
  });

  test('invoke the migrate function synchronously, so a failed migration fails the deploy', () => {
    const [id, trigger] = onlyResourceOf(journal.template, 'Custom::Trigger');

    expect(id).toBe(triggerId);
    expect(trigger.Properties).toMatchObject({
      InvocationType: 'RequestResponse',
      ExecuteOnHandlerChange: true,
    });
    expect(render(trigger.Properties.HandlerArn)).toMatch(/^\$\{JournalMigrationsFunctionCurrentVersion/);
    expect(Number(trigger.Properties.Timeout)).toBe(10 * 60_000);
  });

  test('run after the cluster and its writer exist', () => {
    const [, trigger] = onlyResourceOf(journal.template, 'Custom::Trigger');
    const cluster = logicalIdOf(journal.service.database.cluster);
    const writer = logicalIdOf(journal.service.database.cluster.node.findChild('Writer'));

    expect(trigger.DependsOn).toEqual(expect.arrayContaining([cluster, writer]));
  });

  test('run before any function that reads or writes the journal is deployed', () => {
    const functions = resourcesOf(journal.template, 'AWS::Lambda::Function');
    const { ingest, api, maintenance } = journal.service;

    for (const fn of [ingest.function, api.readFunction, api.writeFunction, maintenance.function]) {
      expect(functions[logicalIdOf(fn)]?.DependsOn, fn.node.path).toContain(triggerId);
    }
    const [, mapping] = onlyResourceOf(journal.template, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.DependsOn).toContain(triggerId);
  });

  test('find the migration files bundled at /var/task/migrations', () => {
    const fn = resourcesOf(journal.template, 'AWS::Lambda::Function')[
      logicalIdOf(journal.service.migrations.function)
    ];

    expect(fn?.Properties.Environment).toMatchObject({
      Variables: { JOURNAL_MIGRATIONS_DIR: '/var/task/migrations' },
    });
    expect(fn?.Properties.Timeout).toBe(600);
  });
});
