import { createHash } from 'node:crypto';

/** At most this much of a rejected body is kept (the hash and size describe the whole of it). */
export const QUARANTINE_BODY_MAX_BYTES = 32 * 1024;
const REASON_MAX_CHARS = 2_000;

/** One journal_rejected row as the store statement reads it from its JSON parameter. */
export interface QuarantineRecord {
  readonly message_id: string;
  /** Position in an envelope; null when the whole message was rejected. */
  readonly event_index: number | null;
  readonly reason: string;
  readonly body: string;
  readonly body_bytes: number;
  readonly body_sha256: string;
  readonly body_truncated: boolean;
  readonly source: string | null;
}

/** Builds the quarantine row of a rejected message (or of one event of it), bounding the body. */
export function quarantineRecord(input: {
  messageId: string;
  eventIndex: number | null;
  reason: string;
  body: string;
  source: string | null;
}): QuarantineRecord {
  const bytes = Buffer.from(input.body, 'utf8');
  const truncated = bytes.length > QUARANTINE_BODY_MAX_BYTES;
  return {
    message_id: input.messageId,
    event_index: input.eventIndex,
    reason: withoutNul(
      input.reason.length > REASON_MAX_CHARS ? `${input.reason.slice(0, REASON_MAX_CHARS)}…` : input.reason,
    ),
    body: withoutNul(truncated ? utf8Prefix(bytes, QUARANTINE_BODY_MAX_BYTES) : input.body),
    body_bytes: bytes.length,
    body_sha256: createHash('sha256').update(bytes).digest('hex'),
    body_truncated: truncated,
    source: input.source,
  };
}

/** The longest prefix of whole UTF-8 characters within maxBytes. */
function utf8Prefix(bytes: Buffer, maxBytes: number): string {
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/** PostgreSQL text cannot hold U+0000; replace it so the rest stays readable. */
function withoutNul(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}
