/** SQL text with the Data API's `:name` placeholders rewritten to PostgreSQL's `$n`. */
export interface NamedStatement {
  readonly text: string;
  /** `names[i]` is bound to `$${i + 1}`; a name used twice shares one placeholder. */
  readonly names: readonly string[];
  /** Statements separated by top-level semicolons (empty ones not counted). */
  readonly statementCount: number;
  /** `BEGIN ATOMIC ... END` bodies hold top-level semicolons inside one statement. */
  readonly hasAtomicBody: boolean;
}

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * Rewrites `:name` to `$n`, leaving alone what PostgreSQL does not read as code: `::type` casts,
 * string literals ('...', E'...' with backslash escapes, $tag$...$tag$), quoted identifiers, and
 * line and (nested) block comments.
 */
export function translateNamedParameters(sql: string): NamedStatement {
  const names: string[] = [];
  const positions = new Map<string, number>();
  let text = '';
  let skeleton = '';
  let statementCount = 0;
  let segmentHasContent = false;
  let i = 0;

  const copyLiteral = (end: number) => {
    text += sql.slice(i, end);
    skeleton += ' ';
    segmentHasContent = true;
    i = end;
  };

  while (i < sql.length) {
    const char = sql[i] as string;
    const next = sql[i + 1];
    if (char === "'") {
      copyLiteral(endOfQuoted(sql, i, "'", isEscapeStringPrefix(sql, i)));
    } else if (char === '"') {
      copyLiteral(endOfQuoted(sql, i, '"', false));
    } else if (char === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      const end = newline === -1 ? sql.length : newline;
      text += sql.slice(i, end);
      i = end;
    } else if (char === '/' && next === '*') {
      const end = endOfBlockComment(sql, i);
      text += sql.slice(i, end);
      i = end;
    } else if (char === '$' && !WORD_CHAR.test(sql[i - 1] ?? ' ') && DOLLAR_TAG.test(sql.slice(i))) {
      const tag = (DOLLAR_TAG.exec(sql.slice(i)) as RegExpExecArray)[0];
      const close = sql.indexOf(tag, i + tag.length);
      copyLiteral(close === -1 ? sql.length : close + tag.length);
    } else if (char === ':' && next === ':') {
      text += '::';
      skeleton += '::';
      i += 2;
    } else if (char === ':' && next !== undefined && IDENTIFIER_START.test(next)) {
      let end = i + 1;
      while (end < sql.length && IDENTIFIER_PART.test(sql[end] as string)) end++;
      const name = sql.slice(i + 1, end);
      let position = positions.get(name);
      if (position === undefined) {
        names.push(name);
        position = names.length;
        positions.set(name, position);
      }
      text += `$${position}`;
      skeleton += ' ';
      segmentHasContent = true;
      i = end;
    } else {
      if (char === ';') {
        if (segmentHasContent) statementCount++;
        segmentHasContent = false;
      } else if (!/\s/.test(char)) {
        segmentHasContent = true;
      }
      text += char;
      skeleton += char;
      i++;
    }
  }
  if (segmentHasContent) statementCount++;
  return { text, names, statementCount, hasAtomicBody: /\bbegin\s+atomic\b/i.test(skeleton) };
}

function isEscapeStringPrefix(sql: string, quote: number): boolean {
  const prefix = sql[quote - 1];
  return (prefix === 'E' || prefix === 'e') && !WORD_CHAR.test(sql[quote - 2] ?? ' ');
}

/** Index just past the closing quote; a doubled quote is an escaped quote. */
function endOfQuoted(sql: string, open: number, quote: string, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === '\\') {
      i += 2;
    } else if (char === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}

function endOfBlockComment(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}
