/**
 * How big one stored journal_event row can get, in one place.
 *
 * The RDS Data API refuses to return a row larger than 64 KB, so every row we store must stay under
 * it when read back. We budget against ROW_LIMIT_BYTES = 64,000 (decimal KB, below 65,536) and count
 * every column as the database returns it, in UTF-8 bytes:
 *
 *   string columns       each bounded in UTF-8 bytes by STRING_FIELD_MAX_BYTES   sum =  2,274
 *   namespace_path       8 segments x (64 bytes + 2 quotes + 1 comma) + braces       =    538
 *   fixed-width columns  id 20, ts 32, ingested_at 32, event_uid 36, scope 5,
 *                        severity 5, direction 5                                     =    135
 *   payload columns      data + raw + extra, each measured as jsonb text
 *                        (see jsonb-text-size.ts), defaults 16 + 32 + 8 KiB          = 57,344
 *                                                                                     --------
 *                                                                          total   = 60,291
 *
 * leaving 3,709 bytes of the limit unused by default. Configured payload limits may use the slack
 * only down to SAFETY_MARGIN_BYTES, kept for whatever per-column framing the Data API counts that
 * the values themselves do not: MAX_PAYLOAD_BUDGET_BYTES = 64,000 - 2,274 - 538 - 135 - 1,024
 * = 60,029.
 * A test builds the largest event the schema accepts and checks it against ROW_LIMIT_BYTES.
 */

export const ROW_LIMIT_BYTES = 64_000;

/** Upper bounds of the string fields, in UTF-8 bytes (so also in characters). */
export const STRING_FIELD_MAX_BYTES = {
  swarmId: 128,
  scopeSwarmId: 128,
  runId: 128,
  role: 128,
  instance: 256,
  kind: 64,
  type: 128,
  origin: 256,
  correlationId: 256,
  idempotencyKey: 256,
  // AMQP caps a routing key at 255 bytes.
  routingKey: 255,
  traceId: 35,
  actor: 256,
} as const;

export const NAMESPACE_MAX_SEGMENTS = 8;
export const NAMESPACE_SEGMENT_MAX_BYTES = 64;

/** namespace_path is TEXT[]; its text form quotes an element at worst (`"null"`) and separates with commas. */
export const NAMESPACE_PATH_MAX_BYTES = NAMESPACE_MAX_SEGMENTS * (NAMESPACE_SEGMENT_MAX_BYTES + 3) + 2;

/** id bigint, ts and ingested_at timestamptz, event_uid uuid, scope, severity, direction. */
export const FIXED_COLUMNS_MAX_BYTES = 20 + 32 + 32 + 36 + 5 + 5 + 5;

export const SAFETY_MARGIN_BYTES = 1_024;

export const STRING_FIELDS_MAX_BYTES = Object.values(STRING_FIELD_MAX_BYTES).reduce(
  (sum, bytes) => sum + bytes,
  0,
);

/** What data + raw + extra may add up to so that a row never exceeds ROW_LIMIT_BYTES. */
export const MAX_PAYLOAD_BUDGET_BYTES =
  ROW_LIMIT_BYTES -
  STRING_FIELDS_MAX_BYTES -
  NAMESPACE_PATH_MAX_BYTES -
  FIXED_COLUMNS_MAX_BYTES -
  SAFETY_MARGIN_BYTES;
