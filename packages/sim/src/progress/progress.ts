/** Where progress goes: stderr in the CLI, a buffer in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/**
 * A progress bar for a known total. On a terminal it redraws one line (`\r`) at most every
 * `minIntervalMs`; elsewhere (a pipe, CI logs) it prints a plain line each time another 10 %
 * is done, so logs stay short.
 */
export class ProgressBar {
  #done = 0;
  #lastDecile = 0;
  #lastDraw = -Infinity;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly total: number,
    private readonly now: () => number = Date.now,
    private readonly minIntervalMs = 100,
  ) {}

  get done(): number {
    return this.#done;
  }

  /** Adds `n` finished items; `note` (e.g. "12 cached") is shown after the count. */
  tick(n = 1, note = ''): void {
    this.#done = Math.min(this.total, this.#done + n);
    if (this.stream.isTTY) {
      const t = this.now();
      if (this.#done < this.total && t - this.#lastDraw < this.minIntervalMs) return;
      this.#lastDraw = t;
      this.stream.write(`\r${this.#bar(note)}\x1b[K`);
      return;
    }
    const decile = this.total === 0 ? 10 : Math.floor((this.#done * 10) / this.total);
    if (decile > this.#lastDecile) {
      this.#lastDecile = decile;
      this.stream.write(`${this.label}: ${decile * 10}% (${this.#done}/${this.total})${note ? ` ${note}` : ''}\n`);
    }
  }

  /** Ends the bar's line on a terminal. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }

  #bar(note: string): string {
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - 30));
    const ratio = this.total === 0 ? 1 : this.#done / this.total;
    const full = Math.round(ratio * width);
    const pct = `${Math.floor(ratio * 100)}`.padStart(3);
    return `${this.label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${pct}% ${this.#done}/${this.total}${note ? ` ${note}` : ''}`;
  }
}

/**
 * A live status line: redrawn in place on a terminal; elsewhere printed at most every
 * `plainEveryMs` (default 10 s) so logs stay readable.
 */
export class StatusLine {
  #last = -Infinity;
  #drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
    private readonly plainEveryMs = 10_000,
  ) {}

  /** `force`: print even off a terminal within the interval (the final state). */
  update(text: string, force = false): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}\x1b[K`);
      this.#drawn = true;
      return;
    }
    const t = this.now();
    if (!force && t - this.#last < this.plainEveryMs) return;
    this.#last = t;
    this.stream.write(`${text}\n`);
  }

  finish(): void {
    if (this.stream.isTTY && this.#drawn) this.stream.write('\n');
    this.#drawn = false;
  }
}
