import type { CliCommand } from './cli-command.ts';
import { CliError, INTERRUPTED_EXIT_CODE, UsageError } from './cli-errors.ts';
import { type CliIo, writeOut } from './cli-io.ts';
import { exportCommand } from './export-command.ts';
import { importCommand } from './import-command.ts';
import { publishCommand } from './publish-command.ts';
import { tailCommand } from './tail-command.ts';
import { tokenCommand } from './token-command.ts';

const COMMANDS: readonly CliCommand[] = [
  publishCommand,
  tailCommand,
  importCommand,
  exportCommand,
  tokenCommand,
];

const USAGE = `Usage: hive-journal <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(8)} ${command.summary}`).join('\n')}

Run "hive-journal <command> --help" for a command's options. See docs/cli.md.`;

/**
 * The hive-journal command line: runs `argv` (the arguments after the program name) and resolves to
 * the exit code: 0 done, 1 failed, 2 bad usage, 130 interrupted. Writes only to `io`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    await writeOut(io.stderr, `${USAGE}\n`);
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    await writeOut(io.stdout, `${USAGE}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    await writeOut(io.stderr, `hive-journal: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      await writeOut(
        io.stderr,
        `hive-journal ${command.name}: ${error.message}\nRun "hive-journal ${command.name} --help" for usage.\n`,
      );
      return error.exitCode;
    }
    if (io.signal.aborted) {
      await writeOut(io.stderr, `hive-journal ${command.name}: interrupted\n`);
      return INTERRUPTED_EXIT_CODE;
    }
    if (error instanceof CliError) {
      await writeOut(io.stderr, `hive-journal ${command.name}: ${error.message}\n`);
      return error.exitCode;
    }
    await writeOut(
      io.stderr,
      `hive-journal ${command.name}: unexpected error: ${(error as Error)?.stack ?? error}\n`,
    );
    return 1;
  }
}
