import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { JournalClient } from '../client/journal-client.ts';
import type { CliCommand } from './cli-command.ts';
import { CliError, INTERRUPTED_EXIT_CODE, UsageError } from './cli-errors.ts';
import { type CliIo, writeOut } from './cli-io.ts';
import { cliJournalClient } from './cli-journal-client.ts';
import { commandEndpoints } from './command-endpoints.ts';
import { ENDPOINT_OPTIONS, ENDPOINT_USAGE, parseCommandLine } from './command-line.ts';
import { readImportLine, runIdFromJournalPath } from './import-line.ts';
import { ProgressLine, progressBar } from './progress-line.ts';

const NAME = 'import';

const OPTIONS = {
  run: { type: 'string' },
  'dry-run': { type: 'boolean' },
  ...ENDPOINT_OPTIONS,
} as const;

/** Events published between flushes: far below the client's buffer, so its overload policy never drops. */
const FLUSH_EVERY = 1000;
/** Rejected lines listed one by one; the rest are counted. */
const MAX_LISTED_REJECTIONS = 50;

const USAGE = `Usage: hive-journal import <journal.ndjson | -> [--run ID] [--dry-run] [endpoint options]

Loads a file journal (- reads it from stdin) — one JSON entry per line, as PocketHive's swarm controller wrote to
<runtime root>/<swarmId>/<runId>/journal.ndjson, or as \`hive-journal export\` writes — through the
journal queue. Each line is validated first; rejected lines are listed with their line numbers.

  --run ID     run of lines that carry none (PocketHive's never do); default: the directory name
               when the file is <swarmId>/<runId>/journal.ndjson
  --dry-run    validate and count, send nothing

Lines without an eventUid get one derived from their run and text, so importing a file again (or a
copy of it) is deduplicated by the ingest. The summary counts lines sent (SQS accepted them),
duplicate (the same event earlier in the file), rejected and blank; whether a sent event was already
stored before is only known to the ingest, which stores it once.

Exit code 0 when every non-blank line was sent, 1 when any was rejected or could not be sent.

${ENDPOINT_USAGE}`;

interface ImportTally {
  lines: number;
  blank: number;
  duplicate: number;
  valid: number;
  readonly rejected: Array<{ readonly line: number; readonly reason: string }>;
}

export const importCommand: CliCommand = {
  name: NAME,
  summary: 'load a file journal (NDJSON, e.g. PocketHive journal.ndjson) through the queue',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS, { max: 1 });
    if (values.help) {
      await writeOut(io.stdout, `${USAGE}\n`);
      return 0;
    }
    const [file] = positionals;
    if (file === undefined) throw new UsageError('the journal file to import (or - for stdin) is required');
    const fromStdin = file === '-';
    const path = fromStdin ? 'stdin' : resolve(io.cwd, file);
    const size = fromStdin ? undefined : await fileSize(path);
    const runId = values.run ?? (fromStdin ? undefined : runIdFromJournalPath(path));
    const dryRun = values['dry-run'] === true;

    const endpoints = dryRun ? undefined : await commandEndpoints(values, io);
    const lineOfUid = new Map<string, number>();
    const refused = new Map<string, string>();
    const client = endpoints
      ? cliJournalClient(NAME, endpoints, io, (invalid) => {
          const uid = (invalid.event as { eventUid?: string }).eventUid;
          if (uid !== undefined) refused.set(uid.toLowerCase(), invalid.reason);
        })
      : undefined;
    const tally: ImportTally = { lines: 0, blank: 0, duplicate: 0, valid: 0, rejected: [] };
    const progress = new ProgressLine(io.stderr);
    const input = fromStdin ? Readable.from(io.stdin) : createReadStream(path);
    let interrupted = false;
    try {
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      let unflushed = 0;
      for await (const text of lines) {
        io.signal.throwIfAborted();
        tally.lines += 1;
        const line = text.trim();
        if (line === '') {
          tally.blank += 1;
          continue;
        }
        const read = readImportLine(line, runId);
        if (!read.ok) {
          tally.rejected.push({ line: tally.lines, reason: read.reason });
          continue;
        }
        if (lineOfUid.has(read.event.eventUid)) {
          tally.duplicate += 1;
          continue;
        }
        lineOfUid.set(read.event.eventUid, tally.lines);
        tally.valid += 1;
        if (client) {
          client.publish(read.entry as Parameters<JournalClient['publish']>[0]);
          unflushed += 1;
          if (unflushed >= FLUSH_EVERY) {
            await untilFlushed(client, io.signal);
            unflushed = 0;
          }
        }
        const done = size === undefined ? '' : ` ${progressBar((input as ReadStream).bytesRead, size)}`;
        progress.update(`importing ${basename(path)}${done} ${tally.lines} lines`);
      }
    } catch (error) {
      if (!io.signal.aborted) throw error;
      interrupted = true;
    } finally {
      input.destroy();
      progress.clear();
      // Sends what is buffered (giving up after the client's close timeout), also when interrupted.
      await client?.close();
    }

    for (const [uid, reason] of refused) {
      tally.rejected.push({ line: lineOfUid.get(uid) ?? 0, reason });
    }
    tally.rejected.sort((a, b) => a.line - b.line);
    const counters = client?.counters();
    const sent = counters?.sentEvents ?? 0;
    const failed = counters?.failedEvents ?? 0;
    await reportRejections(io, tally.rejected);
    const outcome = dryRun
      ? `${tally.valid} valid (--dry-run: not sent)`
      : `${sent} sent${failed > 0 ? `, ${failed} could not be sent` : ''}`;
    await writeOut(
      io.stdout,
      `${basename(path)}: ${tally.lines} lines${interrupted ? ' (interrupted)' : ''}: ${outcome}, ${tally.duplicate} duplicate, ${tally.rejected.length} rejected, ${tally.blank} blank\n`,
    );
    if (interrupted) return INTERRUPTED_EXIT_CODE;
    return tally.rejected.length > 0 || failed > 0 ? 1 : 0;
  },
};

async function fileSize(path: string): Promise<number> {
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw new CliError(`${path} is not a file`);
    return stats.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Waits for the client to send what it holds, or for Ctrl-C. */
async function untilFlushed(client: JournalClient, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([client.flush(), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

async function reportRejections(
  io: CliIo,
  rejected: ReadonlyArray<{ readonly line: number; readonly reason: string }>,
): Promise<void> {
  for (const { line, reason } of rejected.slice(0, MAX_LISTED_REJECTIONS)) {
    await writeOut(io.stderr, `line ${line}: ${reason}\n`);
  }
  if (rejected.length > MAX_LISTED_REJECTIONS) {
    await writeOut(io.stderr, `... and ${rejected.length - MAX_LISTED_REJECTIONS} more rejected lines\n`);
  }
}
