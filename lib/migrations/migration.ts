import { createHash } from 'node:crypto';

/** One numbered SQL migration file. */
export interface Migration {
  /** The number that orders migrations, from the file name (`0001_journal_schema.sql` -> `0001`). */
  readonly version: string;
  readonly name: string;
  readonly sql: string;
  /** sha256 of the file text: a landed migration must never change. */
  readonly checksum: string;
}

const FILE_NAME = /^(\d{4,})_([a-z0-9_]+)\.sql$/;

/** Builds a migration from its file name and text; throws on a name that is not `NNNN_name.sql`. */
export function migrationFromFile(fileName: string, sql: string): Migration {
  const match = FILE_NAME.exec(fileName);
  if (!match) throw new Error(`Migration file name "${fileName}" is not of the form NNNN_name.sql`);
  return {
    version: match[1] as string,
    name: match[2] as string,
    sql,
    checksum: createHash('sha256').update(sql).digest('hex'),
  };
}

/** Sorts by version and refuses two files with one version. */
export function orderMigrations(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => Number(a.version) - Number(b.version));
  for (let i = 1; i < sorted.length; i += 1) {
    if (Number(sorted[i]?.version) === Number(sorted[i - 1]?.version)) {
      throw new Error(`Two migrations share version ${sorted[i]?.version}`);
    }
  }
  return sorted;
}
