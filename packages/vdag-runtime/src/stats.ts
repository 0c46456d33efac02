/**
 * Counters and the last `window` durations of something (the controller's requests, one node's
 * steps), for the p50/p99 of `GET /status`. Recording is O(1) and allocation-free; percentiles sort
 * a copy of the ring, which only `/status` asks for.
 *
 * (`@aios/block-runtime` exports a `TaskStats` with p50 only and a private ring, so this small one
 * lives here rather than pulling the block runtime in.)
 */
export class LatencyRing {
  count = 0;
  errors = 0;
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(window = 1024) {
    this.ring = new Float64Array(window);
  }

  record(durationMs: number, ok = true): void {
    this.count++;
    if (!ok) this.errors++;
    this.ring[this.next] = durationMs;
    this.next = this.next + 1 === this.ring.length ? 0 : this.next + 1;
    if (this.filled < this.ring.length) this.filled++;
  }

  /** Nearest-rank percentiles (0..1) of the window, ms; null before the first record. */
  percentiles<const Q extends readonly number[]>(...qs: Q): { [K in keyof Q]: number | null } {
    if (this.filled === 0) return qs.map(() => null) as { [K in keyof Q]: number | null };
    const sorted = this.ring.slice(0, this.filled).sort();
    return qs.map((q) => {
      const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
      return round(sorted[rank]!);
    }) as { [K in keyof Q]: number | null };
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
