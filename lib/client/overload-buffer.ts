import type { Severity } from '../journal/event-schema.ts';
import { Deque } from './deque.ts';

/** What the buffer needs to know of an item: its severity and its place in publish order. */
export interface BufferItem {
  readonly severity: Severity;
  /** Publish order; items leave the buffer in ascending seq. */
  readonly seq: number;
}

export interface OverloadBufferOptions<Item> {
  /** Most published items held; backpressure markers have room of their own beside them. */
  readonly capacity: number;
  /** Weight of an item (its bytes), summed in `weight`. */
  readonly weigh: (item: Item) => number;
}

// DEBUG counts below INFO; WARN and ERROR are one class and never evict each other.
const OVERLOAD_CLASS: Readonly<Record<Severity, 0 | 1 | 2>> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 2 };

/**
 * A bounded buffer of published items with the overload policy in one place. While there is room,
 * every item is kept. When it is full, an incoming item evicts the newest buffered item of a lower
 * class (DEBUG < INFO < WARN/ERROR), lowest class first; with none to evict, the incoming item is
 * dropped. So DEBUG goes first, then INFO, and a WARN or ERROR is dropped only when no DEBUG or INFO
 * is left. Evicting the newest keeps what survives of each class a prefix of what was published.
 * Markers (the client's own backpressure events) sit outside the capacity and are never dropped.
 */
export class OverloadBuffer<Item extends BufferItem> {
  readonly capacity: number;
  readonly #weigh: (item: Item) => number;
  readonly #classes: [Deque<Item>, Deque<Item>, Deque<Item>] = [new Deque(), new Deque(), new Deque()];
  readonly #markers = new Deque<Item>();
  readonly #allQueues: readonly Deque<Item>[] = [this.#markers, ...this.#classes];
  #published = 0;
  #weight = 0;

  constructor(options: OverloadBufferOptions<Item>) {
    if (!Number.isSafeInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${options.capacity}`);
    }
    this.capacity = options.capacity;
    this.#weigh = options.weigh;
  }

  /** Items held, markers included. */
  get size(): number {
    return this.#published + this.#markers.length;
  }

  /** Published items held (what the capacity bounds). */
  get publishedSize(): number {
    return this.#published;
  }

  /** Sum of the weights of the items held. */
  get weight(): number {
    return this.#weight;
  }

  /**
   * Adds a published item under the overload policy. Returns the item that had to go — a buffered
   * one it evicted, or the item itself when it was dropped — or undefined when nothing was lost.
   */
  offer(item: Item): Item | undefined {
    const itemClass = OVERLOAD_CLASS[item.severity];
    if (this.#published >= this.capacity) {
      const evicted = this.#evictBelow(itemClass);
      if (!evicted) return item;
      this.#add(this.#classes[itemClass], item);
      return evicted;
    }
    this.#add(this.#classes[itemClass], item);
    this.#published += 1;
    return undefined;
  }

  /** Adds a marker: never refused, never evicted. */
  addMarker(item: Item): void {
    this.#add(this.#markers, item);
  }

  /** The next item in publish order, left in place. */
  peek(): Item | undefined {
    return this.#oldestQueue()?.peekFirst();
  }

  /** Removes and returns the next item in publish order. */
  take(): Item | undefined {
    const queue = this.#oldestQueue();
    const item = queue?.shift();
    if (!queue || !item) return undefined;
    if (queue !== this.#markers) this.#published -= 1;
    this.#weight -= this.#weigh(item);
    return item;
  }

  /** Removes and returns everything held, in publish order. */
  takeAll(): Item[] {
    const items: Item[] = [];
    for (let item = this.take(); item; item = this.take()) items.push(item);
    return items;
  }

  #add(queue: Deque<Item>, item: Item): void {
    queue.push(item);
    this.#weight += this.#weigh(item);
  }

  #evictBelow(itemClass: number): Item | undefined {
    for (let lower = 0; lower < itemClass; lower++) {
      const evicted = this.#classes[lower]?.pop();
      if (evicted) {
        this.#weight -= this.#weigh(evicted);
        return evicted;
      }
    }
    return undefined;
  }

  #oldestQueue(): Deque<Item> | undefined {
    let oldest: Deque<Item> | undefined;
    let oldestSeq = Number.POSITIVE_INFINITY;
    for (const queue of this.#allQueues) {
      const head = queue.peekFirst();
      if (head && head.seq < oldestSeq) {
        oldest = queue;
        oldestSeq = head.seq;
      }
    }
    return oldest;
  }
}
