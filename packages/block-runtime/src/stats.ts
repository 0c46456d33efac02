/** Task counters and recent latencies of one instance (or the whole executor). */
export class TaskStats {
  completed = 0;
  failed = 0;
  /** Sum of task durations, ms: busy time / elapsed time = average concurrency (Little's law). */
  busyMs = 0;
  /** Exponentially weighted moving average of task durations, ms (cheap enough for every task). */
  ewmaMs: number | undefined;
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(window = 256) {
    this.ring = new Float64Array(window);
  }

  record(durationMs: number, ok: boolean): void {
    if (ok) this.completed++;
    else this.failed++;
    this.busyMs += durationMs;
    this.ewmaMs = this.ewmaMs === undefined ? durationMs : this.ewmaMs * 0.9 + durationMs * 0.1;
    this.ring[this.next] = durationMs;
    this.next = (this.next + 1) % this.ring.length;
    if (this.filled < this.ring.length) this.filled++;
  }

  /** Median of the last `window` task durations, ms; undefined before the first task. */
  p50(): number | undefined {
    if (this.filled === 0) return undefined;
    const sorted = this.ring.slice(0, this.filled).sort();
    return sorted[Math.floor(sorted.length / 2)];
  }

  get total(): number {
    return this.completed + this.failed;
  }
}

/** Rates between two readings of a TaskStats (the autoscaler's interval). */
export class RateWindow {
  private lastAt = performance.now();
  private lastTotal = 0;
  private lastBusy = 0;

  constructor(private readonly stats: TaskStats) {
    this.lastTotal = stats.total;
    this.lastBusy = stats.busyMs;
  }

  /** Tasks per second and average concurrency since the previous call. */
  take(): { tasksPerSecond: number; avgConcurrency: number } {
    const now = performance.now();
    const elapsed = Math.max(1, now - this.lastAt);
    const tasks = this.stats.total - this.lastTotal;
    const busy = this.stats.busyMs - this.lastBusy;
    this.lastAt = now;
    this.lastTotal = this.stats.total;
    this.lastBusy = this.stats.busyMs;
    return { tasksPerSecond: (tasks * 1000) / elapsed, avgConcurrency: busy / elapsed };
  }
}
