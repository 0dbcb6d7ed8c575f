/** Thrown for arrays of more than one dimension, which the Data API does not return. */
export class MultidimensionalArrayError extends Error {}

/**
 * Splits PostgreSQL's text form of a one-dimensional array ({a,"b c",NULL}) into its elements;
 * NULL elements come back as null. A leading bounds decoration ([0:1]={...}) is ignored.
 */
export function parseArrayLiteral(literal: string): Array<string | null> {
  const open = literal.indexOf('{');
  const body = literal.slice(open + 1, literal.lastIndexOf('}'));
  if (body.trim() === '') return [];
  const elements: Array<string | null> = [];
  let i = 0;
  while (i <= body.length) {
    while (body[i] === ' ') i++;
    if (body[i] === '{') throw new MultidimensionalArrayError('multidimensional array');
    if (body[i] === '"') {
      let value = '';
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') i++;
        value += body[i] ?? '';
        i++;
      }
      elements.push(value);
      i++;
    } else {
      let end = body.indexOf(',', i);
      if (end === -1) end = body.length;
      const raw = body.slice(i, end).trim();
      elements.push(raw === 'NULL' ? null : raw);
      i = end;
    }
    while (body[i] === ' ') i++;
    i++; // the comma (or past the end)
  }
  return elements;
}
