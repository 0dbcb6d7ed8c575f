import type { JsonValue } from './json-value.ts';

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
  let total = 0;
  const stack: JsonValue[] = [value];
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    if (current === null) total += 4;
    else if (current === true) total += 4;
    else if (current === false) total += 5;
    else if (typeof current === 'number') total += plainNumberLength(current);
    else if (typeof current === 'string') total += jsonStringBytes(current);
    else if (Array.isArray(current)) {
      total += 2 + separators(current.length);
      for (const item of current) stack.push(item);
    } else {
      const keys = Object.keys(current);
      // `"key": value` per member: the key string plus ": " (2 bytes).
      total += 2 + separators(keys.length);
      for (const key of keys) {
        total += jsonStringBytes(key) + 2;
        stack.push(current[key] as JsonValue);
      }
    }
  }
  return total;
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
function plainNumberLength(value: number): number {
  const text = JSON.stringify(value);
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
