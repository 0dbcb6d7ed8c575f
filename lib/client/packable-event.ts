import type { Severity } from '../journal/event-schema.ts';

/** An event ready to be packed: its wire JSON and what the message attributes need from it. */
export interface PackableEvent {
  /** The event as it goes on the wire (compact JSON). */
  readonly json: string;
  /** UTF-8 bytes of `json`. */
  readonly bytes: number;
  readonly severity: Severity;
  readonly traceId: string | null;
}
