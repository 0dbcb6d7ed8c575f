import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  ERROR_WINDOW_SECONDS,
  FAILING_ERROR_SHARE,
  STALE_AFTER_SECONDS,
  SWARM_HEALTH_REASONS,
  SWARM_HEALTH_STATES,
  type SwarmHealthInputs,
  swarmHealth,
} from '../../lib/journal/swarm-health.ts';

const NOW = new Date('2026-12-04T12:00:00Z');
const secondsAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

const running: SwarmHealthInputs = {
  lifecycleState: 'RUNNING',
  lastTs: secondsAgo(5),
  backpressureStartedTs: null,
  backpressureStoppedTs: null,
  windowEvents: 100,
  windowErrors: 0,
};

const health = (change: Partial<SwarmHealthInputs>) => swarmHealth({ ...running, ...change }, NOW);

describe('swarm health rules', () => {
  test('a running swarm with recent events and no errors is healthy', () => {
    expect(health({})).toEqual({
      state: 'healthy',
      reasons: [],
      errorShare: 0,
      silentSeconds: 5,
      backpressureOpenSince: null,
    });
  });

  test('an ERROR share of exactly 25% is degraded; just above it is failing', () => {
    expect(health({ windowErrors: 25 })).toMatchObject({ state: 'degraded', reasons: ['errors-recent'] });
    expect(health({ windowEvents: 10_000, windowErrors: 2_501 })).toMatchObject({
      state: 'failing',
      reasons: ['error-share-high'],
      errorShare: 0.2501,
    });
    expect(health({ windowEvents: 1, windowErrors: 1 }).state).toBe('failing');
  });

  test('one ERROR in the window is degraded; none is healthy', () => {
    expect(health({ windowErrors: 1 }).state).toBe('degraded');
    expect(health({ windowErrors: 0 }).state).toBe('healthy');
  });

  test('600 s of silence is not yet stale; 600.001 s is', () => {
    expect(health({ lastTs: secondsAgo(600), windowEvents: 0 }).state).toBe('healthy');
    expect(health({ lastTs: new Date(NOW.getTime() - 600_001), windowEvents: 0 })).toMatchObject({
      state: 'stale',
      reasons: ['silent'],
    });
    expect(health({ lastTs: null, windowEvents: 0 })).toMatchObject({ state: 'stale', silentSeconds: null });
  });

  test('a backpressure episode is open while its latest start is after its latest stop', () => {
    const started = secondsAgo(60);
    expect(health({ backpressureStartedTs: started })).toMatchObject({
      state: 'degraded',
      reasons: ['backpressure-open'],
      backpressureOpenSince: started,
    });
    expect(health({ backpressureStartedTs: started, backpressureStoppedTs: secondsAgo(30) }).state).toBe(
      'healthy',
    );
    // a stop stamped at the same instant as the start closes it
    expect(health({ backpressureStartedTs: started, backpressureStoppedTs: started }).state).toBe('healthy');
    expect(health({ backpressureStartedTs: secondsAgo(10), backpressureStoppedTs: started }).state).toBe(
      'degraded',
    );
  });

  test('a stopped or removed lifecycle is stopped, whatever else holds, and lists every rule that holds', () => {
    for (const lifecycleState of ['STOPPED', 'REMOVED', 'stopped']) {
      expect(health({ lifecycleState }).state).toBe('stopped');
    }
    expect(
      health({
        lifecycleState: 'STOPPED',
        lastTs: secondsAgo(3600),
        windowErrors: 90,
        backpressureStartedTs: secondsAgo(4000),
      }).reasons,
    ).toEqual(['lifecycle-stopped', 'silent', 'error-share-high', 'backpressure-open']);
  });

  test('a FAILED lifecycle is failing even when silent; silence beats a high error share', () => {
    expect(health({ lifecycleState: 'FAILED', lastTs: secondsAgo(3600) })).toMatchObject({
      state: 'failing',
      reasons: ['lifecycle-failed', 'silent'],
    });
    expect(health({ lastTs: secondsAgo(3600), windowErrors: 90 }).state).toBe('stale');
  });

  test('a run without a journaled lifecycle is judged by the other rules', () => {
    expect(health({ lifecycleState: null }).state).toBe('healthy');
    expect(health({ lifecycleState: null, windowErrors: 30 }).state).toBe('failing');
  });

  test('docs/swarm-health.md states the same states, reasons and thresholds', () => {
    const page = readFileSync(new URL('../../docs/swarm-health.md', import.meta.url), 'utf8');
    const rows = page
      .split('\n')
      .filter((line) => /^\| \d/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim().replaceAll('`', '')));
    expect(new Set(rows.map((cells) => cells[2]))).toEqual(new Set(SWARM_HEALTH_STATES));
    expect(rows.map((cells) => cells[3]).filter((reason) => reason !== '')).toEqual([
      ...SWARM_HEALTH_REASONS,
    ]);
    expect(page).toContain(
      `more than ${FAILING_ERROR_SHARE} of the swarm's events in the last ${ERROR_WINDOW_SECONDS} seconds`,
    );
    expect(page).toContain(`more than ${STALE_AFTER_SECONDS} seconds old`);
  });
});
