import { splitSqlStatements, stripComments } from '../../lib/migrations/split-sql-statements.ts';

/**
 * The rules of docs/migrations.md that a migration's text can show. `destructive`: breaks the
 * previous release's code, so it may only land in a contract migration (a file carrying
 * `-- contract: <the release that stopped using it>`); `rewrite`: a data change over journal_event,
 * never a migration statement (a resumable data change instead), marker or not.
 */
export type MigrationRuleKind = 'destructive' | 'rewrite';

export interface MigrationViolation {
  readonly file: string;
  readonly rule: string;
  readonly kind: MigrationRuleKind;
  readonly reason: string;
  /** The statement, comments removed and white space folded. */
  readonly statement: string;
}

/** What the file creates itself: tightening a table it creates, or replacing its functions, is fine. */
interface FileContext {
  readonly createdTables: ReadonlySet<string>;
  readonly createdFunctions: ReadonlySet<string>;
}

interface MigrationRule {
  readonly rule: string;
  readonly kind: MigrationRuleKind;
  readonly reason: string;
  breaks(statement: string, context: FileContext): boolean;
}

/** journal_event, its DEFAULT partition and its daily partitions. */
const JOURNAL_EVENT = String.raw`(?:ONLY\s+)?journal_event(?:_default|_p\d{8})?\b`;
const NAME = String.raw`(?:"[^"]+"|[\w.]+)`;
const CONTRACT_MARKER = /^\s*--\s*contract:.*\b\d+\.\d+\.\d+\b/im;
const VOLATILE_DEFAULT =
  /\bDEFAULT\b[^,]*\b(?:random|gen_random_uuid|uuid_generate_v\d\w*|clock_timestamp|timeofday|nextval)\s*\(/i;

const RULES: readonly MigrationRule[] = [
  {
    rule: 'drop-column',
    kind: 'destructive',
    reason: 'the previous release still reads or writes the column',
    breaks: (s) =>
      alterTableActions(s).some((action) =>
        /^DROP\s+(?!CONSTRAINT\b|DEFAULT\b|NOT\s+NULL\b|IDENTITY\b|EXPRESSION\b)/i.test(action),
      ),
  },
  {
    rule: 'drop-table',
    kind: 'destructive',
    reason: 'the previous release still uses the table (only daily partitions of journal_event may go)',
    breaks: (s) => {
      const match = new RegExp(
        String.raw`\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(${NAME}(?:\s*,\s*${NAME})*)`,
        'i',
      ).exec(s);
      return (
        match !== null &&
        !(match[1] ?? '').split(',').every((name) => /^journal_event_p\d{8}$/i.test(name.trim()))
      );
    },
  },
  {
    rule: 'drop-object',
    kind: 'destructive',
    reason: "the previous release's statements (ON CONFLICT targets, views, sequences, types) may need it",
    breaks: (s) => /\bDROP\s+(?:VIEW|MATERIALIZED\s+VIEW|SEQUENCE|TYPE|SCHEMA|TRIGGER|INDEX)\b/i.test(s),
  },
  {
    rule: 'drop-function',
    kind: 'destructive',
    reason: 'the previous release calls it; add a new function (a new name or version) instead',
    breaks: (s, context) => {
      const match = new RegExp(
        String.raw`\bDROP\s+(?:FUNCTION|PROCEDURE)\s+(?:IF\s+EXISTS\s+)?(${NAME})\s*(\([^)]*\))?`,
        'i',
      ).exec(s);
      if (match === null) return false;
      return !context.createdFunctions.has(functionKey(match[1] ?? '', match[2] ?? '()'));
    },
  },
  {
    rule: 'rename',
    kind: 'destructive',
    reason: 'the previous release uses the old name',
    breaks: (s) => /\bRENAME\b/i.test(s),
  },
  {
    rule: 'change-type',
    kind: 'destructive',
    reason:
      "the previous release's statements and parameters are typed for the old type (and it rewrites the table)",
    breaks: (s) =>
      alterTableActions(s).some((action) =>
        /^ALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b/i.test(action),
      ),
  },
  {
    rule: 'set-not-null',
    kind: 'destructive',
    reason: 'the previous release inserts rows without the column',
    breaks: (s) => /\bSET\s+NOT\s+NULL\b/i.test(s),
  },
  {
    rule: 'drop-default',
    kind: 'destructive',
    reason: 'the previous release inserts rows that rely on the default',
    breaks: (s) => /\bDROP\s+DEFAULT\b/i.test(s),
  },
  {
    rule: 'add-not-null-column',
    kind: 'destructive',
    reason:
      'the previous release inserts rows without the new column; give it a constant default or make it nullable',
    breaks: (s, context) =>
      !context.createdTables.has(alteredTable(s) ?? '') &&
      alterTableActions(s).some(
        (action) =>
          /^ADD\s+(?!CONSTRAINT\b|CHECK\b|UNIQUE\b|PRIMARY\b|FOREIGN\b|EXCLUDE\b)/i.test(action) &&
          /\bNOT\s+NULL\b/i.test(action) &&
          !/\bDEFAULT\b/i.test(action),
      ),
  },
  {
    rule: 'tighten-constraint',
    kind: 'destructive',
    reason: 'the previous release may write rows the new constraint refuses',
    breaks: (s, context) => {
      const unique = /^CREATE\s+UNIQUE\s+INDEX\b[\s\S]*?\bON\s+(?:ONLY\s+)?([\w."]+)/i.exec(s);
      if (unique !== null) return !context.createdTables.has(bareName(unique[1] ?? ''));
      return (
        !context.createdTables.has(alteredTable(s) ?? '') &&
        alterTableActions(s).some((action) =>
          /^ADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:CHECK|UNIQUE|PRIMARY\s+KEY|FOREIGN\s+KEY|EXCLUDE)\b/i.test(
            action,
          ),
        )
      );
    },
  },
  {
    rule: 'truncate',
    kind: 'destructive',
    reason: 'it deletes what the previous release still serves',
    breaks: (s) => /\bTRUNCATE\b/i.test(s),
  },
  {
    rule: 'rewrite-journal-event',
    kind: 'rewrite',
    reason:
      'a change to existing journal_event rows outlasts a statement on a large journal: make it a resumable data change',
    breaks: (s) =>
      new RegExp(String.raw`\bUPDATE\s+${JOURNAL_EVENT}`, 'i').test(s) ||
      new RegExp(String.raw`\bDELETE\s+FROM\s+${JOURNAL_EVENT}`, 'i').test(s) ||
      new RegExp(String.raw`\bMERGE\s+INTO\s+${JOURNAL_EVENT}`, 'i').test(s) ||
      new RegExp(String.raw`\bINSERT\s+INTO\s+${JOURNAL_EVENT}[\s\S]*\bSELECT\b`, 'i').test(s) ||
      new RegExp(String.raw`\bINSERT\s+INTO\b[\s\S]*\bSELECT\b[\s\S]*\bFROM\s+${JOURNAL_EVENT}`, 'i').test(s),
  },
  {
    rule: 'volatile-default-on-journal-event',
    kind: 'rewrite',
    reason: 'a column with a volatile default rewrites every journal_event row in one statement',
    breaks: (s) =>
      new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?${JOURNAL_EVENT}`, 'i').test(s) &&
      alterTableActions(s).some((action) => /^ADD\b/i.test(action) && VOLATILE_DEFAULT.test(action)),
  },
];

/** The rules a migration file breaks; empty when it follows them all. */
export function checkMigration(file: string, text: string): MigrationViolation[] {
  const statements = splitSqlStatements(text).map(code);
  const context = fileContext(statements);
  const contract = CONTRACT_MARKER.test(text);
  return statements.flatMap((statement) =>
    RULES.filter((rule) => (rule.kind === 'rewrite' || !contract) && rule.breaks(statement, context)).map(
      (rule) => ({ file, rule: rule.rule, kind: rule.kind, reason: rule.reason, statement }),
    ),
  );
}

/**
 * The statement as the rules read it: no comments, white space folded, and no function bodies (a
 * CREATE FUNCTION's body runs when the function is called, not when the migration runs; a DO
 * block's body runs now and is kept).
 */
function code(statement: string): string {
  let text = stripComments(statement);
  if (/^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\b/i.test(text)) {
    text = text.replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, '$$$$');
  }
  return text.replace(/\s+/g, ' ').trim();
}

function fileContext(statements: readonly string[]): FileContext {
  const createdTables = new Set<string>();
  const createdFunctions = new Set<string>();
  for (const statement of statements) {
    const table = /^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+?)\s*[(\s]/i.exec(
      statement,
    );
    if (table) createdTables.add(bareName(table[1] ?? ''));
    const fn = new RegExp(
      String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\s+(${NAME})\s*(\([^)]*\))`,
      'i',
    ).exec(statement);
    if (fn) createdFunctions.add(functionKey(fn[1] ?? '', fn[2] ?? '()'));
  }
  return { createdTables, createdFunctions };
}

/** The actions of an ALTER TABLE (split on top-level commas), or none for another statement. */
function alterTableActions(statement: string): string[] {
  const match = new RegExp(
    String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}\s+(.*)$`,
    'i',
  ).exec(statement);
  if (match === null) return [];
  const actions: string[] = [];
  let depth = 0;
  let start = 0;
  const rest = match[1] ?? '';
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '(') depth += 1;
    else if (rest[i] === ')') depth -= 1;
    else if (rest[i] === ',' && depth === 0) {
      actions.push(rest.slice(start, i).trim());
      start = i + 1;
    }
  }
  actions.push(rest.slice(start).trim());
  return actions;
}

function alteredTable(statement: string): string | null {
  const match = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${NAME})`, 'i').exec(
    statement,
  );
  return match ? bareName(match[1] ?? '') : null;
}

function bareName(name: string): string {
  return (name.split('.').at(-1) ?? '').replaceAll('"', '').toLowerCase();
}

/** A function by name and argument types (argument names, modes and defaults left out). */
function functionKey(name: string, args: string): string {
  const types = args
    .slice(1, -1)
    .split(',')
    .map((arg) => arg.replace(/\bDEFAULT\b.*$|=.*$/i, '').trim())
    .filter((arg) => arg !== '')
    .map((arg) => arg.split(/\s+/).at(-1)?.toLowerCase() ?? '');
  return `${bareName(name)}(${types.join(',')})`;
}
