/** UTF-8 byte length of a string (what PostgreSQL stores and the Data API returns). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Why PostgreSQL cannot store `text`, or null when it can. PostgreSQL rejects U+0000 in `text` and in
 * `jsonb` strings, and a lone UTF-16 surrogate has no UTF-8 encoding (jsonb rejects its `\uD800`
 * escape; a text column would silently receive U+FFFD instead). Rejecting both at the edge keeps one
 * bad event from failing a whole insert batch.
 */
export function unstorableTextReason(text: string): string | null {
  if (text.includes('\u0000')) return 'contains U+0000, which PostgreSQL cannot store';
  if (!text.isWellFormed()) return 'contains a lone UTF-16 surrogate, which has no UTF-8 encoding';
  return null;
}

/**
 * True when an identifier-like string (kind, swarm id, actor, ...) contains a C0 control character or
 * DEL: never meaningful in an identifier, and they break the logs and UIs that show it.
 */
export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
