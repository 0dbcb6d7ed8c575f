import { once } from 'node:events';

/** A stream the CLI writes to; a TTY gets progress lines and colours. */
export interface CliOutput {
  write(text: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  readonly isTTY?: boolean;
}

/** Everything a command touches outside itself, so tests can run commands as functions. */
export interface CliIo {
  readonly stdin: AsyncIterable<string | Buffer> & { readonly isTTY?: boolean };
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (import files, --out, --state-dir) are resolved against it. */
  readonly cwd: string;
  /** Aborted on Ctrl-C: tail stops, import and export give up and report what they did. */
  readonly signal: AbortSignal;
}

/** Writes text, waiting for the stream to drain when it is full (large exports). */
export async function writeOut(stream: CliOutput, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream as unknown as NodeJS.EventEmitter, 'drain');
}

/**
 * The real process as CliIo. The first Ctrl-C (or SIGTERM) aborts the signal so the command can
 * finish cleanly; a second one exits at once. Output to a closed pipe (`| head`) ends the process
 * quietly.
 */
export function processIo(): CliIo {
  const interrupt = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      if (interrupt.signal.aborted) process.exit(130);
      interrupt.abort();
    });
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: interrupt.signal,
  };
}
