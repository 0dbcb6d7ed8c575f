/** Parses a duration like `60s`, `2m`, `500ms` or `1h` into milliseconds (a plain number is seconds). */
export function parseDurationMs(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new RangeError(`not a duration: ${text} (say 60s, 2m, 500ms or 1h)`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = value * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  if (ms <= 0) throw new RangeError(`a duration must be positive: ${text}`);
  return ms;
}
