import { setTimeout as sleep } from 'node:timers/promises';

/** A Lambda handler that sleeps `ms` milliseconds and says so: it outlives a short timeout. */
export const handler = async (event: { ms?: number }) => {
  await sleep(event.ms ?? 0);
  return { slept: event.ms ?? 0 };
};
