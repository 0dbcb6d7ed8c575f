import type { JournalEventDraft } from '../../lib/client/prepare-event.ts';
import { controller, type DemoSwarm, newOperation, orchestrator } from './demo-producers.ts';

/** Who publishes an event: the orchestrator, or the controller of a swarm. */
export type DemoProducer = 'orchestrator' | DemoSwarm;

/** Events published together at `atMs` after the demo starts; built then, so they are stamped then. */
export interface DemoStep {
  readonly atMs: number;
  readonly events: () => ReadonlyArray<{ readonly from: DemoProducer; readonly event: JournalEventDraft }>;
}

const WORKER_ROLES = ['generator', 'moderator', 'processor', 'postprocessor'];
const PLAN_STEPS = [
  { stepId: 'warm-up', name: 'Warm up at 20 tps', durationMs: 8_000 },
  { stepId: 'ramp', name: 'Ramp to 200 tps', durationMs: 10_000 },
  { stepId: 'steady', name: 'Steady 200 tps', durationMs: 12_000 },
  { stepId: 'cool-down', name: 'Cool down', durationMs: 6_000 },
];

/** Creating a swarm: command, signal, workers, plan loaded, outcome Ready, verdict. */
function createSwarm(swarm: DemoSwarm, atMs: number): DemoStep[] {
  const create = newOperation('swarm-create');
  return [
    {
      atMs,
      events: () => [
        { from: 'orchestrator', event: orchestrator.command(swarm, create) },
        { from: 'orchestrator', event: orchestrator.signal(swarm, create) },
      ],
    },
    {
      atMs: atMs + 1_500,
      events: () => [
        { from: swarm, event: controller.signal(swarm, create) },
        { from: swarm, event: controller.workers(swarm, 'workers-planned', WORKER_ROLES) },
        { from: swarm, event: controller.workers(swarm, 'workers-provisioned', WORKER_ROLES) },
        { from: swarm, event: controller.plan(swarm, 'scenario-plan-loaded', { steps: PLAN_STEPS.length }) },
        { from: swarm, event: controller.outcome(swarm, create, 'Ready') },
      ],
    },
    {
      atMs: atMs + 2_000,
      events: () => [
        { from: 'orchestrator', event: orchestrator.outcome(swarm, create, 'Ready') },
        { from: 'orchestrator', event: orchestrator.terminal(swarm, create, 'Succeeded') },
      ],
    },
  ];
}

/** A lifecycle command after create (start, stop): signal out, signal in, outcome, verdict. */
function command(swarm: DemoSwarm, type: string, status: string, atMs: number): DemoStep[] {
  const operation = newOperation(type);
  return [
    { atMs, events: () => [{ from: 'orchestrator', event: orchestrator.signal(swarm, operation) }] },
    {
      atMs: atMs + 800,
      events: () => [
        { from: swarm, event: controller.signal(swarm, operation) },
        { from: swarm, event: controller.outcome(swarm, operation, status) },
      ],
    },
    {
      atMs: atMs + 1_200,
      events: () => [
        { from: 'orchestrator', event: orchestrator.outcome(swarm, operation, status) },
        { from: 'orchestrator', event: orchestrator.terminal(swarm, operation, 'Succeeded') },
      ],
    },
  ];
}

/** The scenario plan running: timeline started, each step started and completed, run completed. */
function runPlan(swarm: DemoSwarm, atMs: number): DemoStep[] {
  const steps: DemoStep[] = [
    { atMs, events: () => [{ from: swarm, event: controller.plan(swarm, 'scenario-timeline-started') }] },
  ];
  let at = atMs;
  for (const step of PLAN_STEPS) {
    const data = {
      stepId: step.stepId,
      name: step.name,
      dueMillis: at - atMs,
      stepType: 'config-update',
      targetRole: 'generator',
      targetInstance: 'ALL',
      swarmLifecycleStep: false,
    };
    steps.push({
      atMs: at,
      events: () => [{ from: swarm, event: controller.plan(swarm, 'scenario-step-started', data) }],
    });
    steps.push({
      atMs: at + step.durationMs - 200,
      events: () => [{ from: swarm, event: controller.plan(swarm, 'scenario-step-completed', data) }],
    });
    at += step.durationMs;
  }
  steps.push({
    atMs: at,
    events: () => [{ from: swarm, event: controller.plan(swarm, 'scenario-run-completed') }],
  });
  return steps;
}

/** The system under test failing for a few seconds: a burst of worker alerts and errors, health degraded then recovered. */
function errorBurst(swarm: DemoSwarm, atMs: number): DemoStep[] {
  const steps: DemoStep[] = [
    {
      atMs,
      events: () => [
        {
          from: swarm,
          event: controller.local(swarm, 'swarm-health-degraded', 'WARN', {
            reason: 'processor errors above 5%',
          }),
        },
      ],
    },
  ];
  for (let i = 0; i < 12; i += 1) {
    const instance = `processor-${(i % 3) + 1}`;
    steps.push({
      atMs: atMs + 200 + i * 250,
      events: () => [
        {
          from: swarm,
          event: controller.alert(
            swarm,
            'processor',
            instance,
            'sut.http-503',
            'System under test answered 503 Service Unavailable',
          ),
        },
        {
          from: swarm,
          event: controller.local(swarm, 'worker-error', 'ERROR', {
            role: 'processor',
            instance,
            error: 'HTTP 503 from http://sut:8080/payments',
          }),
        },
      ],
    });
  }
  steps.push({
    atMs: atMs + 6_000,
    events: () => [
      {
        from: swarm,
        event: controller.local(swarm, 'swarm-health-recovered', 'INFO', { degradedForMs: 6_000 }),
      },
    ],
  });
  return steps;
}

/** The controller's journal writer under backpressure for a while, as PocketHive's writers report it. */
function backpressure(swarm: DemoSwarm, atMs: number): DemoStep[] {
  return [
    {
      atMs,
      events: () => [
        {
          from: swarm,
          event: controller.backpressure(swarm, 'journal-backpressure-start', { policy: 'dropping INFO' }),
        },
      ],
    },
    {
      atMs: atMs + 5_000,
      events: () => [
        {
          from: swarm,
          event: controller.backpressure(swarm, 'journal-backpressure-stop', { droppedInfo: 1_342 }),
        },
      ],
    },
  ];
}

/**
 * About a minute of two swarms: alpha is created, started, runs its plan with a spell of journal
 * backpressure, and stops; beta is created and started a little later, and its system under test
 * fails for a few seconds (an error burst). Sorted by time.
 */
export function demoScenario(alpha: DemoSwarm, beta: DemoSwarm): DemoStep[] {
  return [
    ...createSwarm(alpha, 0),
    ...createSwarm(beta, 3_000),
    ...command(alpha, 'swarm-start', 'Running', 5_000),
    ...runPlan(alpha, 7_000),
    ...command(beta, 'swarm-start', 'Running', 9_000),
    ...runPlan(beta, 11_000),
    ...errorBurst(beta, 24_000),
    ...backpressure(alpha, 30_000),
    ...command(alpha, 'swarm-stop', 'Stopped', 46_000),
  ].sort((a, b) => a.atMs - b.atMs);
}

/** After the scenario: beta keeps running, its plan applying a config update now and then. */
export function trickleStep(swarm: DemoSwarm): DemoStep {
  const update = newOperation('config-update');
  return {
    atMs: 0,
    events: () => [
      { from: swarm, event: controller.signal(swarm, update) },
      { from: swarm, event: controller.outcome(swarm, update, 'Applied') },
    ],
  };
}
