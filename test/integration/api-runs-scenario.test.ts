import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { runRoutes } from '../../lib/api/run-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import { ingestMessages, type QueueMessage } from '../../lib/use-cases/ingest-messages.ts';
import type { RunSummary } from '../../lib/use-cases/list-runs.ts';
import type { ApiRequestSpec } from '../support/api-gateway-event.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';
import { envelope } from '../support/journal-event-factory.ts';
import { insertRun } from '../support/journal-run-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// A run's scenario is the template its swarm was created from, as PocketHive journals it (read from
// sepa79/PocketHive): the orchestrator's hive entry of the create (SwarmController.create:
// kind=command, type=swarm-create, data.templateId) and the swarm controller's envelopes, stamped
// with its runtime identity (SwarmSignalListener.runtimeMetaSnapshot) and journaled as raw
// (SwarmJournalEntries.outResult).

const at = (minute: number) =>
  new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString().replace('.000Z', 'Z');
const CONTROLLER = 'swarm-controller-alpha-1';

/** The orchestrator's hive entry of an accepted create, in PocketHive's nested form. */
function createCommand(overrides: {
  runId?: string;
  minute?: number;
  templateId?: unknown;
  swarmId?: string;
}) {
  const swarmId = overrides.swarmId ?? 'alpha';
  const runId = overrides.runId ?? 'run-1';
  return {
    timestamp: at(overrides.minute ?? 0),
    swarmId,
    runId,
    severity: 'INFO',
    direction: 'LOCAL',
    kind: 'command',
    type: 'swarm-create',
    origin: 'orchestrator',
    scope: { swarmId, role: null, instance: null },
    journalScope: 'HIVE',
    correlationId: randomUUID(),
    idempotencyKey: randomUUID(),
    data: {
      templateId: 'templateId' in overrides ? overrides.templateId : 'baseline-demo',
      sutId: null,
      networkMode: 'DIRECT',
      networkProfileId: null,
      autoPullImages: false,
      controllerInstance: CONTROLLER,
      runId,
    },
  };
}

/** The swarm-start signal the controller received from the orchestrator (no runtime of its own). */
function startSignal(overrides: { runId?: string; minute?: number; swarmId?: string } = {}) {
  const swarmId = overrides.swarmId ?? 'alpha';
  return {
    timestamp: at(overrides.minute ?? 1),
    swarmId,
    runId: overrides.runId ?? 'run-1',
    severity: 'INFO',
    direction: 'IN',
    kind: 'signal',
    type: 'swarm-start',
    origin: 'orchestrator-1',
    scope: { swarmId, role: 'swarm-controller', instance: CONTROLLER },
    correlationId: randomUUID(),
    idempotencyKey: randomUUID(),
    data: null,
  };
}

/** The controller's result of a lifecycle command: the envelope it sent, with its runtime identity, as raw. */
function controllerResult(overrides: {
  runId?: string;
  minute?: number;
  templateId?: unknown;
  type?: string;
}) {
  const runId = overrides.runId ?? 'run-1';
  const type = overrides.type ?? 'swarm-start';
  const scope = { swarmId: 'alpha', role: 'swarm-controller', instance: CONTROLLER };
  const correlationId = randomUUID();
  const data = { status: 'Succeeded', retryable: false, context: { observedWorkloadState: 'RUNNING' } };
  return {
    timestamp: at(overrides.minute ?? 2),
    swarmId: 'alpha',
    runId,
    severity: 'INFO',
    direction: 'OUT',
    kind: 'result',
    type,
    origin: CONTROLLER,
    scope,
    correlationId,
    data,
    raw: {
      timestamp: at(overrides.minute ?? 2),
      version: '1',
      kind: 'result',
      type,
      origin: CONTROLLER,
      scope,
      correlationId,
      runtime: {
        containerId: 'c0ffee',
        image: 'pockethive/swarm-controller:0.15',
        stackName: 'ph-alpha',
        templateId: 'templateId' in overrides ? overrides.templateId : 'baseline-demo',
        runId,
      },
      data,
    },
  };
}

describe("a run's scenario, the template its swarm was created from", () => {
  let db: TestDatabase;
  let deps: ApiDeps;
  let call: (spec: ApiRequestSpec) => Promise<{ status: number; body: unknown }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    deps = { sql: db.sql, clock: systemClock };
    const handler = apiHandler(runRoutes, deps, { cors: { allowedOrigins: [] } });
    call = async (spec) => {
      const response = await handler(apiGatewayEvent(spec));
      return { status: response.statusCode, body: JSON.parse(response.body) };
    };
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    await db.pg.query(
      'DELETE FROM journal_event; DELETE FROM journal_rejected; TRUNCATE journal_run, journal_capture CASCADE',
    );
  });

  const message = (entries: readonly unknown[]): QueueMessage => ({
    messageId: randomUUID(),
    body: envelope(entries),
  });
  const ingest = (...messages: QueueMessage[]) => ingestMessages(deps, messages);
  const runs = async (query?: Record<string, string>) =>
    (await call({ path: '/api/journal/swarm/runs', query })).body as RunSummary[];
  const swarmRuns = async (swarmId: string) =>
    (await call({ path: `/api/swarms/${swarmId}/journal/runs` })).body as RunSummary[];
  const scenarios = (list: readonly RunSummary[]) => list.map((run) => [run.runId, run.scenarioId]);

  async function runRow(swarmId: string, runId: string) {
    const { rows } = await db.pg.query(
      `SELECT scenario_id, first_ts, last_ts, entries, warn_count, error_count, lifecycle_state, lifecycle_ts,
         actor, namespace_path, test_plan, created_at, updated_at
       FROM journal_run WHERE swarm_id = $1 AND run_id = $2`,
      [swarmId, runId],
    );
    return rows[0];
  }

  test('a swarm created from a template has that scenario in both runs indexes and in the meta answer', async () => {
    await ingest(message([createCommand({}), startSignal(), controllerResult({})]));

    const all = await runs();
    const ofSwarm = await swarmRuns('alpha');
    const meta = await call({
      method: 'POST',
      path: '/api/journal/swarm/runs/run-1/meta',
      body: { testPlan: 'release-14' },
    });

    expect(all).toMatchObject([
      { swarmId: 'alpha', runId: 'run-1', scenarioId: 'baseline-demo', entries: 2 },
    ]);
    expect(ofSwarm).toMatchObject([{ runId: 'run-1', scenarioId: 'baseline-demo', entries: 2 }]);
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({ runId: 'run-1', scenarioId: 'baseline-demo', testPlan: 'release-14' });
  });

  test('?scenarioId= lists only the runs of that scenario', async () => {
    await ingest(
      message([
        createCommand({ runId: 'run-1', templateId: 'baseline-demo' }),
        startSignal({ runId: 'run-1' }),
      ]),
      message([createCommand({ runId: 'run-2', templateId: 'soak' }), startSignal({ runId: 'run-2' })]),
      message([startSignal({ runId: 'run-3' })]),
    );

    const baseline = await runs({ scenarioId: 'baseline-demo' });
    const soak = await runs({ scenarioId: 'soak' });

    expect(scenarios(baseline)).toEqual([['run-1', 'baseline-demo']]);
    expect(scenarios(soak)).toEqual([['run-2', 'soak']]);
    expect(scenarios(await runs()).sort()).toEqual([
      ['run-1', 'baseline-demo'],
      ['run-2', 'soak'],
      ['run-3', null],
    ]);
  });

  test('setting and clearing the metadata keeps the scenario', async () => {
    await ingest(message([createCommand({}), startSignal()]));

    const set = await call({
      method: 'POST',
      path: '/api/journal/swarm/runs/run-1/meta',
      body: { testPlan: 'p', description: 'd', tags: ['t'] },
    });
    const cleared = await call({ method: 'POST', path: '/api/journal/swarm/runs/run-1/meta', body: {} });

    expect(set.body).toMatchObject({ scenarioId: 'baseline-demo', testPlan: 'p' });
    expect(cleared.body).toMatchObject({ scenarioId: 'baseline-demo', testPlan: null });
    expect(scenarios(await runs())).toEqual([['run-1', 'baseline-demo']]);
  });

  test("the controller's results name the scenario when the orchestrator's create is not in the journal", async () => {
    await ingest(message([startSignal(), controllerResult({ templateId: 'from-runtime' })]));

    expect(scenarios(await runs())).toEqual([['run-1', 'from-runtime']]);
  });

  test("the orchestrator's create arriving after the swarm's events names the run without counting itself", async () => {
    await ingest(message([startSignal(), controllerResult({ templateId: null })]));
    const before = await runRow('alpha', 'run-1');

    await ingest(message([createCommand({ minute: 0 })]));

    const after = await runRow('alpha', 'run-1');
    expect(before.scenario_id).toBeNull();
    expect(after).toEqual({ ...before, scenario_id: 'baseline-demo', updated_at: expect.any(Date) });
    expect(await runs()).toMatchObject([{ runId: 'run-1', scenarioId: 'baseline-demo', entries: 2 }]);
  });

  test('a create alone gives the run a row without entries: unlisted until its swarm journals, then with its scenario', async () => {
    await ingest(message([createCommand({})]));

    expect(await runRow('alpha', 'run-1')).toMatchObject({
      scenario_id: 'baseline-demo',
      first_ts: null,
      last_ts: null,
      entries: '0',
      warn_count: '0',
      error_count: '0',
      lifecycle_state: null,
    });
    expect(await runs()).toEqual([]);
    expect(await runs({ scenarioId: 'baseline-demo' })).toEqual([]);

    await ingest(message([startSignal(), controllerResult({})]));

    expect(await runs()).toMatchObject([
      { runId: 'run-1', scenarioId: 'baseline-demo', entries: 2, firstTs: at(1), lastTs: at(2) },
    ]);
  });

  test('the meta route answers a run known only from its create with its scenario and no entries', async () => {
    await ingest(message([createCommand({})]));

    const meta = await call({
      method: 'POST',
      path: '/api/journal/swarm/runs/run-1/meta',
      body: { testPlan: 'p' },
    });

    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({
      swarmId: 'alpha',
      runId: 'run-1',
      scenarioId: 'baseline-demo',
      entries: 0,
    });
  });

  test('a later event naming another template does not replace the scenario', async () => {
    await ingest(message([createCommand({ templateId: 'first' }), startSignal()]));

    await ingest(
      message([controllerResult({ templateId: 'second' })]),
      message([createCommand({ minute: 5, templateId: 'third' })]),
    );

    expect(scenarios(await runs())).toEqual([['run-1', 'first']]);
  });

  test('a hive event naming a run that has its scenario leaves its row untouched', async () => {
    await ingest(message([createCommand({ templateId: 'first' }), startSignal()]));
    const before = await runRow('alpha', 'run-1');

    const report = await ingest(message([createCommand({ minute: 5, templateId: 'second' })]));

    expect(report.eventsStored).toBe(1);
    expect(await runRow('alpha', 'run-1')).toEqual(before);
  });

  test("within one batch the earliest event's template names the run", async () => {
    await ingest(
      message([
        controllerResult({ minute: 2, templateId: 'later' }),
        createCommand({ minute: 0, templateId: 'earlier' }),
      ]),
    );

    expect(scenarios(await runs())).toEqual([['run-1', 'earlier']]);
  });

  test("a scenario already in the run's row is kept", async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'run-1', scenarioId: 'kept', entries: 3 });

    await ingest(message([createCommand({ templateId: 'other' }), startSignal()]));

    expect(await runRow('alpha', 'run-1')).toMatchObject({ scenario_id: 'kept', entries: '4' });
  });

  test('a redelivered batch stores nothing new and changes nothing', async () => {
    const first = message([createCommand({ runId: 'run-1' }), startSignal({ runId: 'run-1' })]);
    const hiveOnly = message([createCommand({ runId: 'run-2', templateId: 'soak' })]);
    await ingest(first, hiveOnly);
    const before = [await runRow('alpha', 'run-1'), await runRow('alpha', 'run-2')];
    const events = await db.pg.query('SELECT count(*)::int AS n FROM journal_event');

    const report = await ingest(first, hiveOnly);

    expect(report.eventsStored).toBe(0);
    expect([await runRow('alpha', 'run-1'), await runRow('alpha', 'run-2')]).toEqual(before);
    expect((await db.pg.query('SELECT count(*)::int AS n FROM journal_event')).rows).toEqual(events.rows);
  });

  describe('a template id in a bad shape is ignored and its event still stored', () => {
    test.each([
      ['a number', 42],
      ['an object', { id: 'baseline-demo' }],
      ['an array', ['baseline-demo']],
      ['null', null],
      ['blank', '   '],
      ['over 256 bytes', 'é'.repeat(129)],
      ['a control character', 'baseline\ndemo'],
    ])('%s', async (_, templateId) => {
      const report = await ingest(
        message([createCommand({ templateId }), startSignal(), controllerResult({ templateId })]),
      );

      expect(report.eventsStored).toBe(3);
      expect((await db.pg.query('SELECT count(*)::int AS n FROM journal_rejected')).rows).toEqual([{ n: 0 }]);
      expect(scenarios(await runs())).toEqual([['run-1', null]]);
    });
  });

  test('a template id is trimmed and kept up to 256 bytes', async () => {
    const longest = 'é'.repeat(128);
    await ingest(
      message([
        createCommand({ runId: 'run-1', templateId: '  baseline-demo\t' }),
        startSignal({ runId: 'run-1' }),
      ]),
      message([createCommand({ runId: 'run-2', templateId: longest }), startSignal({ runId: 'run-2' })]),
    );

    const found = await runs({ scenarioId: longest });

    expect(scenarios(await runs({ scenarioId: 'baseline-demo' }))).toEqual([['run-1', 'baseline-demo']]);
    expect(scenarios(found)).toEqual([['run-2', longest]]);
  });
});
