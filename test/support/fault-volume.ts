/** Whether the heavy variant of the fault suite runs (HIVE_JOURNAL_HEAVY=1). */
export const HEAVY_FAULT_SUITE = process.env.HIVE_JOURNAL_HEAVY === '1';

/** A fault test's volume: `normal` for `npm test`, `heavy` (10-20x) when HIVE_JOURNAL_HEAVY=1. */
export function faultVolume(normal: number, heavy: number): number {
  return HEAVY_FAULT_SUITE ? heavy : normal;
}
