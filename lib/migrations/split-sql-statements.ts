/**
 * Splits a SQL script into single statements on top-level semicolons. The Data API runs one
 * statement per call, so a migration file is sent statement by statement. Semicolons inside
 * string literals, quoted identifiers, comments and dollar-quoted bodies do not split.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const flush = (end: number) => {
    const statement = script.slice(start, end).trim();
    if (stripComments(statement).trim() !== '') statements.push(statement);
    start = end + 1;
  };
  while (i < script.length) {
    const char = script[i];
    const next = script[i + 1];
    if (char === '-' && next === '-') {
      i = indexOrEnd(script, '\n', i + 2);
    } else if (char === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (char === "'") {
      const escapes = i > 0 && /[eE]/.test(script[i - 1] ?? '') && !/\w/.test(script[i - 2] ?? '');
      i = skipQuoted(script, i, "'", escapes);
    } else if (char === '"') {
      i = skipQuoted(script, i, '"', false);
    } else if (char === '$' && dollarTagAt(script, i) !== null) {
      const tag = dollarTagAt(script, i) as string;
      i = indexOrEnd(script, tag, i + tag.length) + tag.length;
    } else if (char === ';') {
      flush(i);
      i += 1;
    } else {
      i += 1;
    }
  }
  flush(script.length);
  return statements;
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at === -1 ? text.length : at;
}

/** Block comments nest in PostgreSQL. */
function skipBlockComment(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return i;
}

/** Skips a quoted run; a doubled quote is an escaped quote, and in E'' strings so is a backslash. */
function skipQuoted(text: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < text.length) {
    if (backslashEscapes && text[i] === '\\') {
      i += 2;
    } else if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return i;
}

/** The dollar-quote opening tag ($$ or $name$) at `at`, or null when `$` starts no tag there. */
function dollarTagAt(text: string, at: number): string | null {
  if (at > 0 && /[\w$]/.test(text[at - 1] ?? '')) return null;
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(at, at + 64));
  return match ? match[0] : null;
}

/** The statement without its line and block comments. */
export function stripComments(statement: string): string {
  return statement.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
