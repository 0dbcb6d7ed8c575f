import type { SQSClient } from '@aws-sdk/client-sqs';
import { createJournalClient, type JournalClient } from '../../lib/client/journal-client.ts';
import { controllerWriter, type DemoSwarm, ORCHESTRATOR_WRITER } from './demo-producers.ts';
import { type DemoProducer, type DemoStep, demoScenario, trickleStep } from './demo-scenario.ts';

export interface DemoOptions {
  /** The journal queue the demo's producers publish to. */
  readonly queueUrl: string;
  /** The caller's SQS client (kept open: the caller owns it). */
  readonly sqs: SQSClient;
  readonly log: (line: string) => void;
  /** Scales every delay: 1 plays the scenario in real time (about a minute), 0.01 a hundred times faster. */
  readonly pace?: number;
  /** Between trickle events once the scenario is over, before pace; 5 s by default. */
  readonly trickleEveryMs?: number;
}

export interface RunningDemo {
  /** Stops publishing and flushes what the producers still hold. */
  stop(): Promise<void>;
}

/**
 * A simulated orchestrator and two swarm controllers publishing realistic journal events through the
 * producer client: swarm create/start/stop with their outcomes, scenario plan steps, worker alerts in
 * an error burst, journal backpressure; then a trickle of config updates until stopped.
 */
export function startDemo(options: DemoOptions): RunningDemo {
  const pace = options.pace ?? 1;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const alpha: DemoSwarm = {
    swarmId: 'demo-alpha',
    runId: `alpha-${stamp}`,
    controller: 'demo-alpha-marshal-1',
    template: 'rest-payments',
  };
  const beta: DemoSwarm = {
    swarmId: 'demo-beta',
    runId: `beta-${stamp}`,
    controller: 'demo-beta-marshal-1',
    template: 'iso8583-auth',
  };
  const clients = new Map<DemoProducer, JournalClient>();
  const clientOptions = {
    queueUrl: options.queueUrl,
    sqs: options.sqs,
    logger: { info: options.log, warn: options.log },
    onInvalid: (invalid: { reason: string }) => options.log(`demo: an event was refused: ${invalid.reason}`),
  };
  clients.set('orchestrator', createJournalClient({ ...clientOptions, writer: ORCHESTRATOR_WRITER }));
  for (const swarm of [alpha, beta]) {
    clients.set(swarm, createJournalClient({ ...clientOptions, writer: controllerWriter(swarm) }));
  }

  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const schedule = (delayMs: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) action();
    }, delayMs * pace);
    // The demo never keeps the process alive: the stack does.
    timer.unref();
    timers.add(timer);
  };
  const play = (step: DemoStep) => {
    for (const { from, event } of step.events()) clients.get(from)?.publish(event);
  };

  const scenario = demoScenario(alpha, beta);
  for (const step of scenario) schedule(step.atMs, () => play(step));
  const trickleEveryMs = options.trickleEveryMs ?? 5_000;
  const trickle = () => {
    play(trickleStep(beta));
    schedule(trickleEveryMs, trickle);
  };
  const scenarioEndMs = scenario.at(-1)?.atMs ?? 0;
  schedule(scenarioEndMs + trickleEveryMs, () => {
    options.log('demo: scenario played; a trickle of config updates continues');
    trickle();
  });
  options.log(`demo: swarms ${alpha.swarmId} (run ${alpha.runId}) and ${beta.swarmId} (run ${beta.runId})`);

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...clients.values()].map((client) => client.close()));
    },
  };
}
