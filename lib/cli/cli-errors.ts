/** Exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** The command line was wrong (unknown flag, missing or bad value): exit code 2, with a usage hint. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command could not do its work (unreachable endpoint, invalid input data): exit code 1. */
export class CliError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = new.target.name;
  }
}
