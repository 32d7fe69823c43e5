/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Time is passed in (milliseconds,
 * monotonic) so the hot path reads the clock once per batch and tests drive it directly.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number): boolean {
    if (now > this.#last) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.perSecond) / 1000);
      this.#last = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** True when the bucket would be full at `now` (it can be forgotten). */
  isFull(now: number): boolean {
    return this.#tokens + ((now - this.#last) * this.perSecond) / 1000 >= this.burst;
  }
}

/** Token buckets keyed by source address, pruned when full so the map stays bounded. */
export class AddressBuckets {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxEntries = 100_000,
  ) {}

  take(address: string, now: number): boolean {
    let bucket = this.#buckets.get(address);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.maxEntries) this.prune(now);
      bucket = new TokenBucket(this.perSecond, this.burst, now);
      this.#buckets.set(address, bucket);
    }
    return bucket.take(now);
  }

  /** Forgets addresses whose bucket has refilled. */
  prune(now: number): void {
    for (const [address, bucket] of this.#buckets) if (bucket.isFull(now)) this.#buckets.delete(address);
  }

  get size(): number {
    return this.#buckets.size;
  }
}
