import type { CliOutput } from './cli-io.ts';

const REDRAW_EVERY_MS = 100;

/**
 * A progress line redrawn in place (`\r`) on a terminal, at most every 100 ms; nothing at all when the
 * stream is not a TTY, so piped and logged output stays clean.
 */
export class ProgressLine {
  readonly #stream: CliOutput;
  readonly #enabled: boolean;
  readonly #now: () => number;
  #drawnAt = Number.NEGATIVE_INFINITY;
  #shown = false;

  constructor(stream: CliOutput, options: { readonly now?: () => number } = {}) {
    this.#stream = stream;
    this.#enabled = stream.isTTY === true;
    this.#now = options.now ?? Date.now;
  }

  update(text: string): void {
    if (!this.#enabled) return;
    const now = this.#now();
    if (now - this.#drawnAt < REDRAW_EVERY_MS) return;
    this.#drawnAt = now;
    this.#shown = true;
    this.#stream.write(`\r${text}\x1b[K`);
  }

  /** Removes the line, so what is written next starts on a clean line. */
  clear(): void {
    if (!this.#shown) return;
    this.#shown = false;
    this.#stream.write('\r\x1b[K');
  }
}

/** `done / total` as a bar of `width` cells, e.g. `[#####-----] 50%`. */
export function progressBar(done: number, total: number, width = 24): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}%`;
}
