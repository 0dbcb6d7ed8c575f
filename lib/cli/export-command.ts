import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type { CliCommand } from './cli-command.ts';
import { CliError, UsageError } from './cli-errors.ts';
import { type CliOutput, writeOut } from './cli-io.ts';
import { commandEndpoints, commandJournalApi } from './command-endpoints.ts';
import { ENDPOINT_OPTIONS, ENDPOINT_USAGE, parseCommandLine, requiredFlag } from './command-line.ts';
import { FreshIds } from './fresh-ids.ts';
import { itemToEntry } from './item-to-entry.ts';
import { nextPageQuery, pageRoute } from './journal-api.ts';
import { ProgressLine } from './progress-line.ts';

const NAME = 'export';

const OPTIONS = {
  swarm: { type: 'string' },
  run: { type: 'string' },
  out: { type: 'string' },
  'fresh-ids': { type: 'boolean' },
  'as-swarm': { type: 'string' },
  'as-run': { type: 'string' },
  ...ENDPOINT_OPTIONS,
} as const;

/** The page route's largest page. */
const PAGE_LIMIT = '1000';

const USAGE = `Usage: hive-journal export --swarm ID [--run ID] [--out FILE] [--fresh-ids [--as-swarm ID] [--as-run ID]]

Writes a run of a swarm's journal as NDJSON, oldest first, one producer entry (the JournalEvent wire
form) per line, so \`hive-journal import\` or any producer can load it again. Pages through
GET /api/swarms/{swarmId}/journal/page with its cursor until the run is done.

  --swarm ID      the swarm (required)
  --run ID        the run; default: the one the API picks (active, else latest, else pinned)
  --out FILE      write to FILE instead of stdout
  --fresh-ids     new eventUid per event, and new correlationId / idempotencyKey values (the same old
                  id always becomes the same new one), for a replay into a new swarm
  --as-swarm ID   with --fresh-ids: the events' swarm becomes ID
  --as-run ID     with --fresh-ids: the events' run becomes ID

${ENDPOINT_USAGE}`;

export const exportCommand: CliCommand = {
  name: NAME,
  summary: 'write a run of a swarm as chronological NDJSON (optionally with fresh ids for replay)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS, { max: 0 });
    if (values.help) {
      await writeOut(io.stdout, `${USAGE}\n`);
      return 0;
    }
    const swarmId = requiredFlag('swarm', values.swarm);
    const freshIds = values['fresh-ids'] === true;
    if (!freshIds && (values['as-swarm'] !== undefined || values['as-run'] !== undefined)) {
      throw new UsageError(
        '--as-swarm and --as-run need --fresh-ids (copies that keep their eventUid would be dropped by the ingest as duplicates)',
      );
    }
    const api = commandJournalApi(await commandEndpoints(values, io));
    const progress = new ProgressLine(io.stderr);
    // Pages come newest first; each is kept in a file of its own (oldest first within it) and the
    // files are written out in reverse, so a long run is never held in memory.
    const spill = await mkdtemp(join(tmpdir(), 'hive-journal-export-'));
    try {
      let runId = values.run;
      let rewriter: FreshIds | undefined;
      let pages = 0;
      let events = 0;
      let query: Record<string, string> | null = {};
      while (query !== null) {
        const { body, headers } = await api.getPage(
          pageRoute(swarmId),
          { ...query, runId, limit: PAGE_LIMIT },
          io.signal,
        );
        // The run the API resolved: later pages ask for it by name, even if another run starts meanwhile.
        runId ??= decodeRunHeader(headers.get('x-journal-run-id'));
        rewriter ??= freshIds ? freshIdsFor(swarmId, runId, values['as-swarm'], values['as-run']) : undefined;
        const lines = body.items
          .toReversed()
          .map((item) => itemToEntry(item))
          .map((entry) => `${JSON.stringify(rewriter ? rewriter.rewrite(entry) : entry)}\n`);
        await writeFile(join(spill, `${pages}.ndjson`), lines.join(''));
        pages += 1;
        events += lines.length;
        progress.update(`exporting ${swarmId}/${runId ?? '?'}: ${events} events`);
        const next = nextPageQuery(body);
        if (next !== null && JSON.stringify(next) === JSON.stringify(query)) {
          throw new CliError(`the API returned the same cursor twice (${JSON.stringify(next)})`);
        }
        query = next;
      }
      progress.clear();
      const target = values.out === undefined ? undefined : resolve(io.cwd, values.out);
      await writeChronologically(spill, pages, target, io.stdout);
      await writeOut(
        io.stderr,
        `exported ${events} events of swarm ${swarmId} run ${runId ?? '(unknown)'}${target ? ` to ${target}` : ''}\n`,
      );
      return 0;
    } finally {
      progress.clear();
      await rm(spill, { recursive: true, force: true });
    }
  },
};

function freshIdsFor(
  swarmId: string,
  runId: string | undefined,
  asSwarm: string | undefined,
  asRun: string | undefined,
): FreshIds {
  if (asRun !== undefined && runId === undefined) {
    throw new UsageError('--as-run needs --run here: the API did not say which run it read');
  }
  return new FreshIds({
    ...(asSwarm === undefined ? {} : { asSwarm: { fromSwarmId: swarmId, toSwarmId: asSwarm } }),
    ...(asRun === undefined || runId === undefined ? {} : { asRun: { fromRunId: runId, toRunId: asRun } }),
  });
}

function decodeRunHeader(value: string | null): string | undefined {
  if (value === null) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The spilled pages, last (oldest) first, to the file or stdout. */
async function writeChronologically(
  spill: string,
  pages: number,
  target: string | undefined,
  stdout: CliOutput,
): Promise<void> {
  const file = target === undefined ? undefined : createWriteStream(target);
  const out: CliOutput = file ?? stdout;
  try {
    for (let page = pages - 1; page >= 0; page -= 1) {
      for await (const chunk of createReadStream(join(spill, `${page}.ndjson`), { encoding: 'utf8' })) {
        await writeOut(out, chunk as string);
      }
    }
  } finally {
    if (file) {
      file.end();
      await finished(file);
    }
  }
}
