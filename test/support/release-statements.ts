import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type RecordedStatement, recordingClient } from '../../lib/db/recording-sql-client.ts';
import type { SqlClient, SqlParameters } from '../../lib/ports/sql-client.ts';
import { releaseWorkload } from './release-workload.ts';

/** A statement with its parameters, as the SQL port took them and with the varying values fixed. */
export interface SentStatement {
  readonly sql: string;
  readonly parameters: SqlParameters;
}

/** One statement a release runs, as its snapshot (test/compat/releases/<version>.json) keeps it. */
export interface ReleaseStatement extends SentStatement {
  /** The use case that sent it (the first one, when several send the same text). */
  readonly source: string;
  /**
   * When it was sent inside a transaction: the statements that transaction sent before it. Some
   * depend on them (journal_drain_chunk needs the advisory lock journal_drain_begin took, a LOCK
   * TABLE or set_config(..., true) holds only in its transaction), so the replay runs them first.
   */
  readonly prelude?: readonly SentStatement[];
}

/** A stored statement the database refused, and why. */
export interface StatementFailure {
  readonly source: string;
  readonly sql: string;
  readonly error: string;
}

export const RELEASES_DIR = fileURLToPath(new URL('../compat/releases/', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));

/** The version the code in this tree will be released as (package.json). */
export function currentVersion(): string {
  return (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
}

export function snapshotPath(version: string): string {
  return `${RELEASES_DIR}${version}.json`;
}

/**
 * Runs the release workload (release-workload.ts) on `sql`, a freshly migrated database, and returns
 * every distinct statement it sent, sorted by source and text.
 */
export async function captureReleaseStatements(sql: SqlClient): Promise<ReleaseStatement[]> {
  const recorded: Array<RecordedStatement & { source: string; prelude: RecordedStatement[] }> = [];
  for (const step of releaseWorkload()) {
    const recording = recordingClient(sql);
    // Where each transaction's statements start in the recording: the workload runs one statement
    // at a time, so the statements recorded while a transaction is open are that transaction's.
    const transactionStart: Array<number | undefined> = [];
    const tracked: SqlClient = {
      ...recording.sql,
      transaction: async (work) => {
        const start = recording.statements.length;
        try {
          return await recording.sql.transaction(work);
        } finally {
          for (let i = start; i < recording.statements.length; i += 1) transactionStart[i] = start;
        }
      },
    };
    await step.run(tracked);
    recorded.push(
      ...recording.statements.map((statement, i) => {
        const start = transactionStart[i];
        const prelude = start === undefined ? [] : recording.statements.slice(start, i);
        return { source: step.source, ...statement, prelude };
      }),
    );
  }
  const fixed = fixedValues();
  const sent = (statement: RecordedStatement): SentStatement => ({
    sql: statement.sql,
    parameters: fixed(statement.parameters ?? {}) as SqlParameters,
  });
  const bySql = new Map<string, ReleaseStatement>();
  for (const statement of recorded) {
    if (bySql.has(statement.sql)) continue;
    // The prelude first: its uuids were seen first, and the fixed series follows that order.
    const prelude = statement.prelude.map(sent);
    bySql.set(statement.sql, {
      source: statement.source,
      ...sent(statement),
      ...(prelude.length > 0 ? { prelude } : {}),
    });
  }
  return [...bySql.values()].sort((a, b) => compare(a.source, b.source) || compare(a.sql, b.sql));
}

/** A snapshot's file text. */
export function formatSnapshot(statements: readonly ReleaseStatement[]): string {
  return `${JSON.stringify(statements, null, 2)}\n`;
}

export function readSnapshot(version: string): ReleaseStatement[] {
  return JSON.parse(readFileSync(snapshotPath(version), 'utf8')) as ReleaseStatement[];
}

export function snapshotExists(version: string): boolean {
  return existsSync(snapshotPath(version));
}

/**
 * The release a rollback returns to: the newest snapshot older than the current version. At the
 * first release there is none, and the current version's own snapshot stands in for it.
 */
export function previousReleaseVersion(current: string = currentVersion()): string {
  const versions = readdirSync(RELEASES_DIR)
    .filter((name) => /^\d+\.\d+\.\d+\.json$/.test(name))
    .map((name) => name.slice(0, -'.json'.length))
    .sort(compareVersions);
  const older = versions.filter((version) => compareVersions(version, current) < 0);
  const previous = older.at(-1) ?? versions.find((version) => version === current);
  if (previous === undefined) throw new Error(`No release snapshot in ${RELEASES_DIR}`);
  return previous;
}

/**
 * Runs each statement with its parameters in a transaction of its own that is rolled back, so no
 * statement sees another's writes, after its prelude (what its transaction sent before it); returns
 * the ones the database refused. A statement whose prelude is refused is reported as not run, with
 * the prelude statement's error (that statement is in the snapshot, and reported, itself).
 */
export async function replayStatements(
  sql: SqlClient,
  statements: readonly ReleaseStatement[],
): Promise<StatementFailure[]> {
  const rolledBack = new Error('rolled back on purpose');
  const failures: StatementFailure[] = [];
  for (const statement of statements) {
    try {
      await sql.transaction(async (tx) => {
        for (const earlier of statement.prelude ?? []) {
          await tx.execute(earlier.sql, earlier.parameters).catch((error: Error) => {
            throw new Error(
              `not run: an earlier statement of its transaction failed (${firstLine(earlier.sql)}): ${error.message}`,
            );
          });
        }
        await tx.execute(statement.sql, statement.parameters);
        throw rolledBack;
      });
    } catch (error) {
      if (error === rolledBack) continue;
      failures.push({ source: statement.source, sql: statement.sql, error: (error as Error).message });
    }
  }
  return failures;
}

/** One line per failure: the use case, the database's error and the statement's first line. */
export function describeFailures(failures: readonly StatementFailure[]): string {
  return failures
    .map((failure) => `${failure.source}: ${failure.error}\n    in: ${firstLine(failure.sql)}`)
    .join('\n');
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Makes recorded values the same on every run: instants become ISO text (the clock is fixed), and
 * each distinct uuid (random capture ids and audit event uids among them) becomes the n-th of a
 * fixed series, in the order first seen, so one id stays one id across statements.
 */
function fixedValues(): (value: unknown) => unknown {
  const uuids = new Map<string, string>();
  const fixedUuid = (uuid: string) => {
    const key = uuid.toLowerCase();
    let fixed = uuids.get(key);
    if (fixed === undefined) {
      fixed = `ffffffff-ffff-4fff-8fff-${(uuids.size + 1).toString(16).padStart(12, '0')}`;
      uuids.set(key, fixed);
    }
    return fixed;
  };
  const fix = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(UUID, fixedUuid);
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'bigint' || value instanceof Uint8Array) {
      throw new Error('bigint and binary parameters have no JSON form in a release snapshot');
    }
    if (Array.isArray(value)) return value.map(fix);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, fix(entry)]));
    }
    return value;
  };
  return fix;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split('.').map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i += 1) {
    const difference = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}
