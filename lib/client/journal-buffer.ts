import { randomUUID } from 'node:crypto';
import type { JournalEventInput, Severity } from '../journal/event-schema.ts';
import { utf8Bytes } from '../journal/storable-text.ts';
import { backpressureStartEvent, backpressureStopEvent, type JournalWriter } from './backpressure-events.ts';
import { BackpressureTracker, type DropCounts, noDrops } from './backpressure-tracker.ts';
import type { PackingSource } from './message-packer.ts';
import { type BufferItem, OverloadBuffer } from './overload-buffer.ts';
import type { PackableEvent } from './packable-event.ts';

export interface BufferedEvent extends PackableEvent, BufferItem {}

export interface JournalBufferOptions {
  readonly capacity: number;
  readonly quietMs: number;
  readonly writer: JournalWriter;
  /** Epoch milliseconds. */
  readonly clock: () => number;
}

/**
 * The client's buffer: the overload policy of OverloadBuffer, plus the backpressure events it owes
 * the journal. The first drop of an episode adds one `journal-backpressure-start`; `tick()` after
 * `quietMs` without a drop (or `endEpisode()`) adds one `journal-backpressure-stop` with the episode's
 * drops by severity. Both go in as markers, so they are never dropped. Events leave in publish order.
 */
export class JournalBuffer implements PackingSource<BufferedEvent> {
  readonly #events: OverloadBuffer<BufferedEvent>;
  readonly #tracker: BackpressureTracker;
  readonly #writer: JournalWriter;
  readonly #clock: () => number;
  readonly #dropped = noDrops();
  #episodes = 0;
  #nextSeq = 0;

  constructor(options: JournalBufferOptions) {
    this.#events = new OverloadBuffer({ capacity: options.capacity, weigh: (event) => event.bytes });
    this.#tracker = new BackpressureTracker(options.quietMs);
    this.#writer = options.writer;
    this.#clock = options.clock;
  }

  /** Events held, backpressure events included. */
  get size(): number {
    return this.#events.size;
  }

  /** Published events held, what the capacity bounds. */
  get publishedSize(): number {
    return this.#events.publishedSize;
  }

  get bytes(): number {
    return this.#events.weight;
  }

  get dropped(): Readonly<DropCounts> {
    return this.#dropped;
  }

  get episodes(): number {
    return this.#episodes;
  }

  get backpressureActive(): boolean {
    return this.#tracker.active;
  }

  /** Seq of the last event added; everything added so far has a seq at most this. */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Adds a published event; returns the severity of the event it cost, if one was dropped. */
  add(event: PackableEvent): Severity | undefined {
    const lost = this.#events.offer({ ...event, seq: this.#nextSeq++ });
    if (!lost) return undefined;
    this.#dropped[lost.severity] += 1;
    if (this.#tracker.recordDrop(lost.severity, this.#clock())) {
      this.#episodes += 1;
      this.#addMarker(backpressureStartEvent(this.#writer, this.#markerIdentity()));
    }
    return lost.severity;
  }

  /** Ends the backpressure episode if it has been quiet long enough. */
  tick(): void {
    this.#stop(this.#tracker.endIfQuiet(this.#clock()));
  }

  /** Ends the backpressure episode now, if one is going on. */
  endEpisode(): void {
    this.#stop(this.#tracker.end());
  }

  peek(): BufferedEvent | undefined {
    return this.#events.peek();
  }

  take(): BufferedEvent | undefined {
    return this.#events.take();
  }

  takeAll(): BufferedEvent[] {
    return this.#events.takeAll();
  }

  #stop(dropped: DropCounts | undefined): void {
    if (dropped) this.#addMarker(backpressureStopEvent(this.#writer, this.#markerIdentity(), dropped));
  }

  #addMarker(marker: JournalEventInput): void {
    const json = JSON.stringify(marker);
    this.#events.addMarker({
      json,
      bytes: utf8Bytes(json),
      severity: 'WARN',
      traceId: null,
      seq: this.#nextSeq++,
    });
  }

  #markerIdentity() {
    return { eventUid: randomUUID(), timestamp: new Date(this.#clock()).toISOString() };
  }
}
