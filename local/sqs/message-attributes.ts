import { sqsErrors } from './sqs-error.ts';

/** A message attribute as the store keeps it. */
export interface StoredAttributeValue {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: Buffer;
}

/** A message attribute as the JSON protocol carries it (binary as base64). */
export interface WireAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

const MAX_ATTRIBUTES = 10;
const MAX_NAME_LENGTH = 256;
const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
const DATA_TYPE_PATTERN = /^(String|Number|Binary)(\..+)?$/;
const NUMBER_PATTERN = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SYSTEM_ATTRIBUTE_NAMES = new Set(['AWSTraceHeader']);

/**
 * Validates MessageAttributes of a send and converts them to the stored form, by the rules of
 * "Message attribute components" in the SQS developer guide: at most 10, names of A-Z a-z 0-9 _ - .,
 * not starting with AWS./Amazon., no leading, trailing or doubled periods; types String, Number or
 * Binary with an optional custom suffix; a non-empty value of the matching transport.
 */
export function readMessageAttributes(raw: Record<string, unknown>): Record<string, StoredAttributeValue> {
  const names = Object.keys(raw);
  if (names.length > MAX_ATTRIBUTES) {
    throw sqsErrors.invalidParameterValue(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  const stored: Record<string, StoredAttributeValue> = {};
  for (const name of names) {
    assertValidAttributeName(name);
    stored[name] = readAttributeValue(name, raw[name]);
  }
  return stored;
}

/** Validates MessageSystemAttributes of a send; SQS accepts only AWSTraceHeader, a String. */
export function readMessageSystemAttributes(
  raw: Record<string, unknown>,
): Record<string, StoredAttributeValue> {
  const stored: Record<string, StoredAttributeValue> = {};
  for (const name of Object.keys(raw)) {
    if (!SYSTEM_ATTRIBUTE_NAMES.has(name)) {
      throw sqsErrors.invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    }
    const value = readAttributeValue(name, raw[name]);
    if (value.dataType !== 'String') {
      throw sqsErrors.invalidParameterValue(
        `Message system attribute '${name}' must be of data type String.`,
      );
    }
    stored[name] = value;
  }
  return stored;
}

/** Bytes the attributes add to the message size: name, type and value all count. */
export function attributesSize(attributes: Readonly<Record<string, StoredAttributeValue>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.dataType, 'utf8');
    size += value.binaryValue ? value.binaryValue.length : Buffer.byteLength(value.stringValue ?? '', 'utf8');
  }
  return size;
}

/**
 * The attributes a ReceiveMessage asked for: "All" or ".*" selects every one, "prefix.*" those
 * whose name starts with "prefix.", anything else an exact name.
 */
export function selectAttributes(
  attributes: Readonly<Record<string, StoredAttributeValue>>,
  requested: readonly string[],
): Record<string, StoredAttributeValue> {
  const selected: Record<string, StoredAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (requested.some((pattern) => nameMatches(name, pattern))) selected[name] = value;
  }
  return selected;
}

export function toWireAttributes(
  attributes: Readonly<Record<string, StoredAttributeValue>>,
): Record<string, WireAttributeValue> {
  const wire: Record<string, WireAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    wire[name] = value.binaryValue
      ? { DataType: value.dataType, BinaryValue: value.binaryValue.toString('base64') }
      : { DataType: value.dataType, StringValue: value.stringValue ?? '' };
  }
  return wire;
}

function nameMatches(name: string, pattern: string): boolean {
  if (pattern === 'All' || pattern === '.*') return true;
  if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

function assertValidAttributeName(name: string): void {
  const lower = name.toLowerCase();
  const valid =
    name.length > 0 &&
    name.length <= MAX_NAME_LENGTH &&
    NAME_PATTERN.test(name) &&
    !lower.startsWith('aws.') &&
    !lower.startsWith('amazon.') &&
    !name.startsWith('.') &&
    !name.endsWith('.') &&
    !name.includes('..');
  if (!valid) throw sqsErrors.invalidParameterValue(`Message attribute name '${name}' is invalid.`);
}

function readAttributeValue(name: string, raw: unknown): StoredAttributeValue {
  if (typeof raw !== 'object' || raw === null) {
    throw sqsErrors.invalidParameterValue(`The message attribute '${name}' must contain a value.`);
  }
  const { DataType, StringValue, BinaryValue } = raw as Record<string, unknown>;
  if (
    typeof DataType !== 'string' ||
    DataType.length > MAX_NAME_LENGTH ||
    !DATA_TYPE_PATTERN.test(DataType)
  ) {
    throw sqsErrors.invalidParameterValue(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  }
  if (DataType.startsWith('Binary')) {
    if (typeof BinaryValue !== 'string' || BinaryValue.length === 0) throw missingValue(name, DataType);
    return { dataType: DataType, binaryValue: Buffer.from(BinaryValue, 'base64') };
  }
  if (typeof StringValue !== 'string' || StringValue.length === 0) throw missingValue(name, DataType);
  if (DataType.startsWith('Number') && !NUMBER_PATTERN.test(StringValue)) {
    throw sqsErrors.invalidParameterValue(
      `Can't cast the value of message (user) attribute '${name}' to a number.`,
    );
  }
  return { dataType: DataType, stringValue: StringValue };
}

function missingValue(name: string, dataType: string) {
  return sqsErrors.invalidParameterValue(
    `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
  );
}
