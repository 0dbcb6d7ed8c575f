/**
 * A double-ended queue: O(1) push, shift and pop. Arrays shift in O(n), which a 50,000-event buffer
 * drained from the front cannot afford.
 */
export class Deque<Item> {
  #items: Array<Item | undefined> = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: Item): void {
    this.#items.push(item);
  }

  peekFirst(): Item | undefined {
    return this.length > 0 ? this.#items[this.#head] : undefined;
  }

  shift(): Item | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head += 1;
    this.#compact();
    return item;
  }

  pop(): Item | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items.pop();
    this.#compact();
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }

  // Drops the consumed front once it is most of the array, so memory follows the live length.
  #compact(): void {
    if (this.length === 0) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
