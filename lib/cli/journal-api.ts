import * as z from 'zod';
import type { JournalItem } from '../journal/journal-item.ts';
import { CliError } from './cli-errors.ts';
import type { RequestSigner } from './sigv4-signer.ts';

/** A page of a journal page route: `{items, nextCursor, hasMore, nextPageToken}`, newest first. */
export interface JournalPageBody {
  readonly items: JournalItem[];
  readonly nextCursor: { readonly ts: string; readonly id: number } | null;
  readonly hasMore: boolean;
  readonly nextPageToken: string | null;
}

export interface JournalPageResponse {
  readonly body: JournalPageBody;
  readonly headers: Headers;
}

/** Reads the journal's HTTP API (only what the CLI needs of it). */
export interface JournalApi {
  /** GET a page route, e.g. `/api/swarms/s1/journal/page`; undefined query values are left out. */
  getPage(
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    signal: AbortSignal,
  ): Promise<JournalPageResponse>;
}

// Checked loosely: the CLI relies on these fields and passes the rest of each item on as it is.
const PageBody = z.object({
  items: z.array(z.looseObject({ eventId: z.number(), timestamp: z.string() })),
  nextCursor: z.object({ ts: z.string(), id: z.number() }).nullable(),
  hasMore: z.boolean(),
  nextPageToken: z.string().nullable().optional(),
});

/** A JournalApi over fetch at `apiUrl` (which may end in a stage path, e.g. `.../prod`). */
export function createJournalApi(
  apiUrl: string,
  options: { readonly sign?: RequestSigner; readonly fetch?: typeof fetch } = {},
): JournalApi {
  const base = apiUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  return {
    async getPage(path, query, signal) {
      const url = new URL(`${base}${path}`);
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) url.searchParams.set(name, value);
      }
      const headers = { accept: 'application/json', ...(await options.sign?.(url, { method: 'GET' })) };
      let response: Response;
      try {
        response = await fetchImpl(url, { headers, signal });
      } catch (error) {
        if (signal.aborted) throw error;
        throw new CliError(`cannot reach the journal API at ${base}: ${causeOf(error)}`, { cause: error });
      }
      const text = await response.text();
      if (!response.ok) throw new CliError(`GET ${url.pathname}: ${describeProblem(response.status, text)}`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new CliError(`GET ${url.pathname}: the response is not JSON`);
      }
      const parsed = PageBody.safeParse(json);
      if (!parsed.success)
        throw new CliError(`GET ${url.pathname}: not a journal page (${parsed.error.message})`);
      const body: JournalPageBody = {
        items: parsed.data.items as unknown as JournalItem[],
        nextCursor: parsed.data.nextCursor,
        hasMore: parsed.data.hasMore,
        nextPageToken: parsed.data.nextPageToken ?? null,
      };
      return { body, headers: response.headers };
    },
  };
}

/** The page route of a swarm's journal, or the hive journal's when no swarm is given. */
export function pageRoute(swarmId: string | undefined): string {
  return swarmId === undefined
    ? '/api/journal/hive/page'
    : `/api/swarms/${encodeURIComponent(swarmId)}/journal/page`;
}

/** The query naming the page after `page`: the opaque token when given, else PocketHive's beforeTs/beforeId. */
export function nextPageQuery(page: JournalPageBody): Record<string, string> | null {
  if (!page.hasMore) return null;
  if (page.nextPageToken) return { cursor: page.nextPageToken };
  if (page.nextCursor) return { beforeTs: page.nextCursor.ts, beforeId: String(page.nextCursor.id) };
  return null;
}

/** A problem+json (RFC 9457) response as one line: status, title, detail. */
function describeProblem(status: number, text: string): string {
  try {
    const problem = JSON.parse(text) as { title?: unknown; detail?: unknown; message?: unknown };
    const parts = [problem.title, problem.detail ?? problem.message].filter(
      (part) => typeof part === 'string',
    );
    if (parts.length > 0) return `${status} ${parts.join(': ')}`;
  } catch {
    // not JSON: the status says enough
  }
  return `HTTP ${status}`;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
