import * as z from 'zod';
import { parseIsoInstant } from './journal-instant.ts';

/**
 * A keyset position in the journal: the `(ts, id)` of the last event a page returned; the next page
 * holds the events strictly before it in `(ts DESC, id DESC)` order. For archived (pinned) runs the id
 * is the source event's id, so a position means the same in the live journal and in the archive.
 */
export interface JournalCursor {
  /** Canonical instant, microsecond precision (see journal-instant.ts). */
  readonly ts: string;
  readonly id: number;
}

const TOKEN_VERSION = 1;
/** Far above any token we issue (~80 characters); longer input is garbage, not a cursor. */
const MAX_TOKEN_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const TokenContent = z.strictObject({
  v: z.literal(TOKEN_VERSION),
  ts: z.string(),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** The opaque form of a cursor (`nextPageToken`): base64url of a versioned JSON object. */
export function encodeCursorToken(cursor: JournalCursor): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, ts: cursor.ts, id: cursor.id })).toString(
    'base64url',
  );
}

/**
 * The cursor a token stands for, or null when the token is not one this service issued in this
 * version: wrong alphabet or length, not JSON, unknown version or fields, an instant that is not
 * canonical, or any encoding that would not round-trip exactly (so edited tokens are refused).
 */
export function decodeCursorToken(token: string): JournalCursor | null {
  if (token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token)) return null;
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = TokenContent.safeParse(content);
  if (!parsed.success || parseIsoInstant(parsed.data.ts) !== parsed.data.ts) return null;
  const cursor = { ts: parsed.data.ts, id: parsed.data.id };
  return encodeCursorToken(cursor) === token ? cursor : null;
}
