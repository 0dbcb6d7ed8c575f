import { describe, expect, test } from 'vitest';
import { isTransientDataApiError, withTransientRetry } from '../../lib/db/transient-retry.ts';

const named = (name: string) => Object.assign(new Error(name), { name });

/** A call failing with `errors` in turn, then answering 'ok'. */
function failing(...errors: Error[]) {
  let calls = 0;
  const call = async () => {
    const error = errors[calls];
    calls += 1;
    if (error) throw error;
    return 'ok';
  };
  return { call, calls: () => calls };
}

function policy(remaining: number[] | number, log: string[] = []) {
  let left = typeof remaining === 'number' ? remaining : 0;
  const slept: number[] = [];
  return {
    slept,
    log,
    policy: {
      remainingMs: () => left,
      random: () => 1,
      sleep: async (ms: number) => {
        slept.push(ms);
        left -= ms;
      },
      onEpisodeStart: (error: Error) => log.push(`start ${error.name}`),
      onEpisodeEnd: (end: { recovered: boolean; retries: number }) =>
        log.push(`end ${end.recovered ? 'recovered' : 'gave up'} after ${end.retries}`),
    },
  };
}

describe('withTransientRetry', () => {
  test('sends again after a resuming cluster until it answers, backing off exponentially', async () => {
    const resuming = named('DatabaseResumingException');
    const { call, calls } = failing(resuming, resuming, resuming);
    const { policy: p, slept, log } = policy(60_000);

    expect(await withTransientRetry(call, p)).toBe('ok');
    expect(calls()).toBe(4);
    expect(slept).toEqual([250, 500, 1000]);
    expect(log).toEqual(['start DatabaseResumingException', 'end recovered after 3']);
  });

  test('caps the delay, and jitters it below the cap', async () => {
    const unavailable = named('DatabaseUnavailableException');
    const { call } = failing(...Array.from({ length: 6 }, () => unavailable));
    const slept: number[] = [];

    await withTransientRetry(call, {
      remainingMs: () => 60_000,
      random: () => 0.5,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });

    expect(slept).toEqual([125, 250, 500, 1000, 1000, 1000]);
  });

  test('gives up with the last error once the next wait does not fit the time left', async () => {
    const resuming = named('DatabaseResumingException');
    const { call, calls } = failing(...Array.from({ length: 20 }, () => resuming));
    const { policy: p, log } = policy(1_000);

    await expect(withTransientRetry(call, p)).rejects.toBe(resuming);
    // 250 + 500 fit in 1,000 ms; the next 1,000 ms wait does not.
    expect(calls()).toBe(3);
    expect(log).toEqual(['start DatabaseResumingException', 'end gave up after 2']);
  });

  test('throws other errors at once, without a retry', async () => {
    const sqlError = named('DatabaseErrorException');
    const { call, calls } = failing(sqlError);
    const { policy: p, log } = policy(60_000);

    await expect(withTransientRetry(call, p)).rejects.toBe(sqlError);
    expect(calls()).toBe(1);
    expect(log).toEqual([]);
  });

  test('does not wait at all without a budget (outside an invocation)', async () => {
    const resuming = named('DatabaseResumingException');
    const { call, calls } = failing(resuming);
    const { policy: p, slept } = policy(0);

    await expect(withTransientRetry(call, p)).rejects.toBe(resuming);
    expect(calls()).toBe(1);
    expect(slept).toEqual([]);
  });
});

describe('isTransientDataApiError', () => {
  test.each([
    ['DatabaseResumingException', true],
    ['DatabaseUnavailableException', true],
    ['ServiceUnavailableError', true],
    ['ThrottlingException', true],
    ['DatabaseErrorException', false],
    ['StatementTimeoutException', false],
    ['TransactionNotFoundException', false],
    ['BadRequestException', false],
    ['AccessDeniedException', false],
  ])('%s: %s', (name, transient) => {
    expect(isTransientDataApiError(named(name))).toBe(transient);
  });

  test('a refused connection is transient, a reset one is not (the statement may have run)', () => {
    expect(isTransientDataApiError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientDataApiError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
  });
});
