import type { EventLinks } from './deep-links.ts';

/**
 * One journal event as the read API returns it: PocketHive's page item (JournalEventRowMapper in
 * sepa79/PocketHive: eventId, timestamp, swarmId, runId, severity, direction, kind, type, origin,
 * scope {swarmId, role, instance}, correlationId, idempotencyKey, routingKey, data, raw, extra, in
 * that order, every field present and null when empty) plus hive-journal's eventUid, traceId and
 * actor. PocketHive's timeline (non-paginated) items are the same without eventId.
 */
export interface JournalItem {
  /** The row id (the source event's id for archived events); the cursor's `id`. */
  readonly eventId: number;
  /** ISO-8601 instant as Java's ISO_INSTANT writes it (e.g. 2025-01-01T12:34:56.123456Z). */
  readonly timestamp: string;
  readonly swarmId: string | null;
  readonly runId: string;
  readonly severity: string;
  readonly direction: string;
  readonly kind: string;
  readonly type: string;
  readonly origin: string;
  readonly scope: {
    readonly swarmId: string | null;
    readonly role: string | null;
    readonly instance: string | null;
  };
  readonly correlationId: string | null;
  readonly idempotencyKey: string | null;
  readonly routingKey: string | null;
  readonly data: Record<string, unknown> | null;
  readonly raw: Record<string, unknown> | null;
  readonly extra: Record<string, unknown> | null;
  readonly eventUid: string | null;
  readonly traceId: string | null;
  readonly actor: string | null;
  /**
   * hive-journal: the swarm the producer's scope named (a hive entry about a swarm), when it is not
   * swarmId; scope.swarmId is always swarmId, as in PocketHive.
   */
  readonly subjectSwarmId: string | null;
  /** hive-journal: where else to look (deep-links.ts); only when the deployment names link targets. */
  readonly links?: EventLinks;
}

/** A timeline item: PocketHive leaves eventId out of its non-paginated timeline. */
export type JournalTimelineItem = Omit<JournalItem, 'eventId'>;

/**
 * A payload column's JSON text as the item carries it: a JSON object, or null for anything else
 * (SQL NULL, a JSON null, an array or a scalar), as PocketHive's parseJsonMap does.
 */
export function payloadObject(jsonText: string | null): Record<string, unknown> | null {
  if (jsonText === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(jsonText);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The timeline form of an item (eventId left out, every other field in place and order). */
export function timelineItem(item: JournalItem): JournalTimelineItem {
  const { eventId: _eventId, ...rest } = item;
  return rest;
}
