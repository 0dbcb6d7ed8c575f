import type { JsonValue } from './json-value.ts';

/** Bytes of a JSON value's text in the two forms the service counts. */
export interface JsonTextBytes {
  /** As PostgreSQL prints it back from a jsonb column (see jsonbTextBytes). */
  readonly jsonb: number;
  /**
   * Its compact JSON text (`JSON.stringify`) escaped once more as the contents of a JSON string, the
   * way a JSON parameter travels inside a Data API request: `Buffer.byteLength(JSON.stringify(
   * JSON.stringify(value)))` less the 2 outer quotes, so the bytes of parts add up.
   */
  readonly embedded: number;
}

/** A running count of both measures, added to while walking a value. */
export interface JsonTextTally {
  jsonb: number;
  embedded: number;
}

/**
 * UTF-8 bytes of `value` as PostgreSQL prints it back from a jsonb column — what the Data API
 * returns, so what counts against its row limit. This is never smaller than the compact
 * `JSON.stringify` form and can be much larger:
 * - jsonb text puts a space after every `:` and `,` (`{"a": 1, "b": [1, 2]}`), up to 1.5x for
 *   payloads of tiny values;
 * - numbers come back in plain notation (`1e300` is stored as numeric and printed as 301 digits).
 * Key order (jsonb sorts keys) does not change the length. Strings are escaped like JSON.stringify
 * does (`"`, `\`, \b \f \n \r \t, other C0 controls as \u00XX; non-ASCII as is).
 * Assumes a value that passed findJsonProblem (finite numbers, well-formed strings).
 */
export function jsonbTextBytes(value: JsonValue): number {
  return jsonTextBytes(value).jsonb;
}

/** Both sizes of `value` (see JsonTextBytes), in one walk. Assumes JSON (finite numbers, no cycles). */
export function jsonTextBytes(value: unknown): JsonTextBytes {
  const tally: JsonTextTally = { jsonb: 0, embedded: 0 };
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') tallyString(tally, current);
    else if (typeof current === 'number') tallyNumber(tally, current);
    else if (current === null || typeof current !== 'object') tallyLiteral(tally, current);
    else if (Array.isArray(current)) {
      tallyContainer(tally, current.length);
      for (const item of current) stack.push(item);
    } else {
      const record = current as Record<string, unknown>;
      let members = 0;
      for (const key of Object.keys(record)) {
        // JSON.stringify leaves out members whose value is undefined.
        if (record[key] === undefined) continue;
        tallyMemberKey(tally, key);
        stack.push(record[key]);
        members += 1;
      }
      tallyContainer(tally, members);
    }
  }
  return tally;
}

/** Adds an array's or object's brackets and separators, for `count` elements or members. */
export function tallyContainer(tally: JsonTextTally, count: number): void {
  tally.jsonb += 2 + separators(count);
  tally.embedded += 2 + (count > 1 ? count - 1 : 0);
}

/** Adds an object member's key and the colon after it (jsonb: `"key": `, JSON: `"key":`). */
export function tallyMemberKey(tally: JsonTextTally, key: string): void {
  tallyString(tally, key);
  tally.jsonb += 2;
  tally.embedded += 1;
}

/** Adds null, true or false. */
export function tallyLiteral(tally: JsonTextTally, value: unknown): void {
  const bytes = value === false ? 5 : 4;
  tally.jsonb += bytes;
  tally.embedded += bytes;
}

/** Adds a finite number (JSON text as JSON.stringify writes it; jsonb text in plain notation). */
export function tallyNumber(tally: JsonTextTally, value: number): void {
  const text = JSON.stringify(value);
  tally.jsonb += plainNumberLength(text);
  tally.embedded += text.length;
}

// Printable ASCII but `"` and `\`: no escape, one byte each, in both forms.
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7f]*$/;

/** Adds a string literal, quotes included. */
export function tallyString(tally: JsonTextTally, text: string): void {
  if (PLAIN_ASCII.test(text)) {
    tally.jsonb += text.length + 2;
    // The quotes become \" inside the embedding string.
    tally.embedded += text.length + 4;
    return;
  }
  let jsonb = 2;
  let embedded = 4;
  for (let index = 0; index < text.length; ) {
    const code = text.charCodeAt(index);
    const [charBytes, width] = escapedCharBytes(text, index);
    jsonb += charBytes;
    embedded += embeddedCharBytes(code, charBytes, width);
    index += width;
  }
  tally.jsonb += jsonb;
  tally.embedded += embedded;
}

/**
 * What a character whose JSON escape takes `charBytes` takes once that escape is escaped again: the
 * backslash of an escape doubles (`\n` -> `\\n`, `\u0001` -> `\\u0001`), so do `"` and `\`
 * (`\"` -> `\\\"`); a lone surrogate, which JSON.stringify writes as `\udXXX`, takes 7.
 */
function embeddedCharBytes(code: number, charBytes: number, width: number): number {
  if (code === 0x22 || code === 0x5c) return 4;
  if (code < 0x20) return charBytes + 1;
  if (width === 1 && code >= 0xd800 && code <= 0xdfff) return 7;
  return charBytes;
}

function separators(count: number): number {
  return count > 1 ? 2 * (count - 1) : 0;
}

/** Bytes of a string as a JSON/jsonb string literal, quotes included. */
export function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let index = 0; index < text.length; ) {
    const [charBytes, width] = escapedCharBytes(text, index);
    bytes += charBytes;
    index += width;
  }
  return bytes;
}

/**
 * The longest prefix of `text` whose escaped form (quotes excluded) fits in `maxBytes`, never
 * splitting a surrogate pair. Scans only as far as the budget reaches.
 */
export function jsonStringPrefix(text: string, maxBytes: number): string {
  let used = 0;
  let index = 0;
  while (index < text.length) {
    const [charBytes, width] = escapedCharBytes(text, index);
    if (used + charBytes > maxBytes) break;
    used += charBytes;
    index += width;
  }
  return text.slice(0, index);
}

/** Escaped UTF-8 bytes of the character at `index` and how many UTF-16 units it spans. */
function escapedCharBytes(text: string, index: number): [bytes: number, width: number] {
  const code = text.charCodeAt(index);
  if (code === 0x22 || code === 0x5c) return [2, 1];
  if (code === 0x08 || code === 0x0c || code === 0x0a || code === 0x0d || code === 0x09) return [2, 1];
  if (code < 0x20) return [6, 1];
  if (code < 0x80) return [1, 1];
  if (code < 0x800) return [2, 1];
  const next = text.charCodeAt(index + 1);
  // A surrogate pair is one astral code point: 4 UTF-8 bytes for two UTF-16 units.
  if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return [4, 2];
  return [3, 1];
}

/**
 * Length of PostgreSQL's numeric output for the number JSON.stringify writes. Plain forms print
 * unchanged; exponent forms (`1.5e-7`, `1e+21`) print without an exponent (`0.00000015`, 22 digits).
 */
function plainNumberLength(text: string): number {
  const exponentAt = text.indexOf('e');
  if (exponentAt < 0) return text.length;
  const negative = text.startsWith('-') ? 1 : 0;
  const mantissa = text.slice(negative, exponentAt);
  const exponent = Number(text.slice(exponentAt + 1));
  const pointAt = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '').length;
  const integerDigits = pointAt < 0 ? mantissa.length : pointAt;
  // Position of the decimal point relative to the first digit once the exponent is applied.
  const point = integerDigits + exponent;
  if (point >= digits) return negative + point;
  if (point > 0) return negative + digits + 1;
  return negative + 2 + -point + digits;
}
