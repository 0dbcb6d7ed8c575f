import { type Duration, Token } from 'aws-cdk-lib';

/** JournalService was given props it cannot deploy; the message names every problem at once. */
export class InvalidJournalPropsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid JournalService props — ${problems.join('; ')}`);
    this.name = 'InvalidJournalPropsError';
    this.problems = problems;
  }
}

/**
 * Collects what is wrong with the props while each concern resolves its defaults, so that one synth
 * reports all of it. Values that are unresolved tokens (known only at deploy time) are not checked.
 */
export class PropsProblems {
  readonly #problems: string[] = [];

  add(path: string, message: string): void {
    this.#problems.push(`${path} ${message}`);
  }

  /** An integer in [min, max]. */
  integer(path: string, value: number, min: number, max: number): void {
    if (Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(path, `must be an integer from ${min} to ${max} (got ${value})`);
    }
  }

  /** A number in [min, max] that is a multiple of `step`. */
  stepped(path: string, value: number, min: number, max: number, step: number): void {
    if (Token.isUnresolved(value)) return;
    if (!(value >= min && value <= max) || Math.round(value / step) * step !== value) {
      this.add(path, `must be from ${min} to ${max} in steps of ${step} (got ${value})`);
    }
  }

  /** A duration of whole seconds in [minSeconds, maxSeconds]. */
  seconds(path: string, value: Duration, minSeconds: number, maxSeconds: number): void {
    if (value.isUnresolved()) return;
    const ms = value.toMilliseconds();
    if (ms % 1000 !== 0 || ms < minSeconds * 1000 || ms > maxSeconds * 1000) {
      this.add(
        path,
        `must be whole seconds from ${minSeconds} s to ${maxSeconds} s (got ${value.toHumanString()})`,
      );
    }
  }

  throwIfAny(): void {
    if (this.#problems.length > 0) throw new InvalidJournalPropsError(this.#problems);
  }
}
