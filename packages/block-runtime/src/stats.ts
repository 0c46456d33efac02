/** Task counters and recent latencies of one instance (or the whole executor). */
export class TaskStats {
  completed = 0;
  failed = 0;
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

/**
 * How many tasks are under way, and their time integral: the average count over a window counts
 * every task for the time it was under way in that window, finished or not (a count sampled at the
 * window's end says 0 between bursts; busy time summed when tasks end says 0 while long ones run).
 */
export class Occupancy {
  private n = 0;
  /** Integral of the count over time, count·ms, up to `at`. */
  private area = 0;
  private at: number;
  private windowArea = 0;
  private windowAt: number;

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.at = this.clock();
    this.windowAt = this.at;
  }

  get count(): number {
    return this.n;
  }

  set count(n: number) {
    const now = this.clock();
    this.area += this.n * (now - this.at);
    this.at = now;
    this.n = n;
  }

  /** The average count since the previous call (or since it was made). */
  take(): number {
    this.count = this.n; // the integral up to now
    const elapsed = this.at - this.windowAt;
    const avg = elapsed > 0 ? (this.area - this.windowArea) / elapsed : this.n;
    this.windowArea = this.area;
    this.windowAt = this.at;
    return avg;
  }
}

/** Rates between two readings of a TaskStats and an Occupancy (the autoscaler's interval). */
export class RateWindow {
  private lastAt = performance.now();
  private lastTotal = 0;

  constructor(
    private readonly stats: TaskStats,
    private readonly occupancy: Occupancy,
  ) {
    this.lastTotal = stats.total;
  }

  /** Tasks per second and the average number of tasks under way since the previous call. */
  take(): { tasksPerSecond: number; avgConcurrency: number } {
    const now = performance.now();
    const elapsed = Math.max(1, now - this.lastAt);
    const tasks = this.stats.total - this.lastTotal;
    this.lastAt = now;
    this.lastTotal = this.stats.total;
    return { tasksPerSecond: (tasks * 1000) / elapsed, avgConcurrency: this.occupancy.take() };
  }
}
