import { setTimeout as sleep } from 'node:timers/promises';
import { parseIsoInstant } from '../journal/journal-instant.ts';
import type { JournalItem } from '../journal/journal-item.ts';
import type { CliCommand } from './cli-command.ts';
import { UsageError } from './cli-errors.ts';
import { type CliIo, writeOut } from './cli-io.ts';
import { commandEndpoints, commandJournalApi } from './command-endpoints.ts';
import { ENDPOINT_OPTIONS, ENDPOINT_USAGE, integerFlag, parseCommandLine } from './command-line.ts';
import { formatEventLine, useColour } from './format-event.ts';
import { type JournalApi, nextPageQuery, pageRoute } from './journal-api.ts';

const NAME = 'tail';

const OPTIONS = {
  swarm: { type: 'string' },
  run: { type: 'string' },
  since: { type: 'string' },
  lines: { type: 'string', short: 'n' },
  interval: { type: 'string' },
  json: { type: 'boolean' },
  ...ENDPOINT_OPTIONS,
} as const;

/**
 * Each poll reads back this far before the newest event shown: events stored late (ingest lag, a
 * producer's clock behind) with an earlier timestamp are still shown, once.
 */
const LATE_ARRIVAL_WINDOW_MS = 60_000;
const PAGE_LIMIT = '1000';
/** Pages read per poll at most; a journal busier than that is shown newest first, with a warning. */
const MAX_PAGES_PER_POLL = 20;
const DURATION = /^(\d{1,9})([smhdw])$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const USAGE = `Usage: hive-journal tail [--swarm ID [--run ID]] [--since 15m|ISO] [-n N] [--interval S] [--json]

Follows a journal like \`tail -f\`: prints the latest events, then new ones as they are stored,
oldest first, until Ctrl-C. Without --swarm, the hive journal.

  --swarm ID       a swarm's journal (its active, else latest run unless --run)
  --run ID         only this run
  --since WHEN     start from events at or after WHEN: a duration before now (30s, 15m, 2h, 7d, 2w) or
                   an ISO-8601 instant with an offset; default: the last -n events
  -n, --lines N    events shown at start without --since (default 10)
  --interval S     seconds between polls (default 2)
  --json           one JSON item per line (NDJSON) instead of text; no colours

Severity is coloured on a terminal (ERROR red, WARN yellow, DEBUG dim); NO_COLOR turns that off.

${ENDPOINT_USAGE}`;

interface Shown {
  readonly instant: string;
  readonly key: string;
}

export const tailCommand: CliCommand = {
  name: NAME,
  summary: "follow a swarm's or the hive journal, like tail -f",
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseCommandLine(argv, OPTIONS, { max: 0 });
    if (values.help) {
      await writeOut(io.stdout, `${USAGE}\n`);
      return 0;
    }
    const since = values.since === undefined ? undefined : parseSince(values.since, Date.now());
    const lines = integerFlag('lines', values.lines, { min: 0, max: 1000 }) ?? 10;
    const intervalMs = (integerFlag('interval', values.interval, { min: 1, max: 3600 }) ?? 2) * 1000;
    const api = commandJournalApi(await commandEndpoints(values, io));
    const route = pageRoute(values.swarm);
    const colour = !values.json && useColour(io);
    const print = async (items: JournalItem[]) => {
      for (const item of items) {
        await writeOut(
          io.stdout,
          `${values.json ? JSON.stringify(item) : formatEventLine(item, { colour })}\n`,
        );
      }
    };
    const follower = new NewEvents();
    const baseQuery = { runId: values.run };

    const start = since ?? new Date(Date.now() - LATE_ARRIVAL_WINDOW_MS).toISOString();
    const recent = await readSince(api, route, baseQuery, start, io);
    // Without --since: the last -n events, found in the window the polls read back over (so none of
    // it is shown again later), or in one page when the window holds fewer.
    const latest =
      since !== undefined || recent.length >= lines
        ? []
        : (await api.getPage(route, { ...baseQuery, limit: String(Math.max(lines, 1)) }, io.signal)).body
            .items;
    const first = follower.take([...recent, ...latest], new Date().toISOString());
    await print(since === undefined ? first.slice(Math.max(0, first.length - lines)) : first);

    while (!io.signal.aborted) {
      try {
        await sleep(intervalMs, undefined, { signal: io.signal });
        const items = await readSince(api, route, baseQuery, follower.readFrom(), io);
        await print(follower.take(items));
      } catch (error) {
        if (io.signal.aborted) break;
        // Like tail -f over a flaky mount: say so and keep following.
        await writeOut(io.stderr, `hive-journal tail: ${(error as Error).message}; retrying\n`);
      }
    }
    return 0;
  },
};

/** Tracks what was shown, so each poll shows only events not shown before, oldest first. */
class NewEvents {
  #shown: Shown[] = [];
  readonly #keys = new Set<string>();
  #newest: string | undefined;

  /** The instant a poll reads from: the newest event shown (or the start), less the window. */
  readFrom(): string {
    const newest = this.#newest ?? new Date().toISOString();
    return new Date(Date.parse(newest) - LATE_ARRIVAL_WINDOW_MS).toISOString();
  }

  /** The items not taken before, oldest first; remembers them. `start` seeds the position when none is. */
  take(items: readonly JournalItem[], start?: string): JournalItem[] {
    const fresh: Array<{ item: JournalItem; shown: Shown }> = [];
    for (const item of items) {
      const shown = shownOf(item);
      if (this.#keys.has(shown.key)) continue;
      this.#keys.add(shown.key);
      this.#shown.push(shown);
      if (this.#newest === undefined || shown.instant > this.#newest) this.#newest = shown.instant;
      fresh.push({ item, shown });
    }
    fresh.sort((a, b) => compare(a.shown, b.shown) || a.item.eventId - b.item.eventId);
    if (this.#newest === undefined && start !== undefined) this.#newest = parseIsoInstant(start) ?? start;
    this.#forgetOld();
    return fresh.map(({ item }) => item);
  }

  /** Keys older than the window can never come back in a poll; forget them. */
  #forgetOld(): void {
    const horizon = parseIsoInstant(
      new Date(Date.parse(this.#newest ?? '') - 2 * LATE_ARRIVAL_WINDOW_MS).toISOString(),
    );
    if (horizon === null) return;
    const kept = this.#shown.filter((shown) => shown.instant >= horizon);
    for (const shown of this.#shown) if (shown.instant < horizon) this.#keys.delete(shown.key);
    this.#shown = kept;
  }
}

function shownOf(item: JournalItem): Shown {
  // Canonical instants are fixed width, so they compare as strings; the API's ISO_INSTANT text is not.
  const instant = parseIsoInstant(item.timestamp) ?? item.timestamp;
  return { instant, key: `${instant}|${item.eventId}` };
}

function compare(a: Shown, b: Shown): number {
  return a.instant < b.instant ? -1 : a.instant > b.instant ? 1 : 0;
}

/** Every event at or after `since`, newest first, paging with the cursor (up to MAX_PAGES_PER_POLL). */
async function readSince(
  api: JournalApi,
  route: string,
  baseQuery: Readonly<Record<string, string | undefined>>,
  since: string,
  io: CliIo,
): Promise<JournalItem[]> {
  const items: JournalItem[] = [];
  let query: Record<string, string> | null = {};
  for (let pages = 0; query !== null; pages += 1) {
    if (pages === MAX_PAGES_PER_POLL) {
      await writeOut(
        io.stderr,
        `hive-journal tail: more than ${items.length} events since ${since}; showing the newest\n`,
      );
      break;
    }
    const { body } = await api.getPage(
      route,
      { ...baseQuery, ...query, since, limit: PAGE_LIMIT },
      io.signal,
    );
    items.push(...body.items);
    query = nextPageQuery(body);
  }
  return items;
}

/** --since: a duration before `now` (15m) or an ISO-8601 instant, as the API's `since` takes it. */
function parseSince(value: string, now: number): string {
  const duration = DURATION.exec(value.trim());
  if (duration !== null) {
    return new Date(now - Number(duration[1]) * (UNIT_MS[duration[2] as string] as number)).toISOString();
  }
  const instant = parseIsoInstant(value.trim());
  if (instant === null) {
    throw new UsageError(
      '--since must be a duration before now (30s, 15m, 2h, 7d, 2w) or an ISO-8601 instant with an offset',
    );
  }
  return instant;
}
