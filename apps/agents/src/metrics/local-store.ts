import type { TLocalSeries, TMetricSample, TMetricsLocalRequest, TSampleEntityType } from "@aios/contracts";

/** Points one series keeps at most (one every half second over 15 minutes). */
export const DEFAULT_POINTS_PER_SERIES = 1800;
/** Series the store keeps at most; past it the series written longest ago goes. */
export const DEFAULT_MAX_SERIES = 2000;
/** A series' first arrays; they double up to the cap as its points come. */
const INITIAL_CAPACITY = 8;

/**
 * One series' recent points in a ring: `ts` (ms since the epoch) and `values` side by side, the
 * oldest at `start`. Arrays grow by doubling up to `cap`; then each write takes the oldest slot.
 */
class SeriesRing {
  ts: Float64Array;
  values: Float64Array;
  start = 0;
  length = 0;

  constructor(
    readonly entityType: TSampleEntityType,
    readonly entityId: string,
    readonly name: string,
    private readonly cap: number,
  ) {
    const size = Math.min(INITIAL_CAPACITY, cap);
    this.ts = new Float64Array(size);
    this.values = new Float64Array(size);
  }

  /** The newest point's time; -Infinity when empty. */
  newest(): number {
    return this.length === 0 ? Number.NEGATIVE_INFINITY : (this.ts[this.slot(this.length - 1)] as number);
  }

  private slot(i: number) {
    return (this.start + i) % this.ts.length;
  }

  private grow() {
    const size = Math.min(this.cap, this.ts.length * 2);
    const ts = new Float64Array(size);
    const values = new Float64Array(size);
    for (let i = 0; i < this.length; i++) {
      ts[i] = this.ts[this.slot(i)] as number;
      values[i] = this.values[this.slot(i)] as number;
    }
    this.ts = ts;
    this.values = values;
    this.start = 0;
  }

  push(at: number, value: number) {
    if (this.length === this.ts.length && this.ts.length < this.cap) this.grow();
    if (this.length === this.ts.length) {
      // Full at the cap: the oldest slot takes the new point.
      this.ts[this.start] = at;
      this.values[this.start] = value;
      this.start = (this.start + 1) % this.ts.length;
      return;
    }
    const i = this.slot(this.length);
    this.ts[i] = at;
    this.values[i] = value;
    this.length++;
  }

  /** Drops the points older than `cutoff` (they are at the start). */
  dropBefore(cutoff: number) {
    while (this.length > 0 && (this.ts[this.start] as number) < cutoff) {
      this.start = (this.start + 1) % this.ts.length;
      this.length--;
    }
  }

  /** How many points are at or after `since`. */
  countSince(since: number): number {
    let first = 0;
    while (first < this.length && (this.ts[this.slot(first)] as number) < since) first++;
    return this.length - first;
  }

  /** Points at or after `since`, oldest first, at most `max` (the newest ones). */
  read(since: number, max: number): { ts: number[]; values: number[] } {
    const first = this.length - Math.min(max, this.countSince(since));
    const ts: number[] = [];
    const values: number[] = [];
    for (let i = first; i < this.length; i++) {
      ts.push(this.ts[this.slot(i)] as number);
      values.push(this.values[this.slot(i)] as number);
    }
    return { ts, values };
  }
}

export interface LocalMetricsStoreOptions {
  /** How far back the store keeps samples (AIOS_LOCAL_METRICS_SECONDS). */
  windowSeconds: number;
  pointsPerSeries?: number | undefined;
  maxSeries?: number | undefined;
  /** The clock (ms since the epoch); tests move it. */
  now?: () => number;
}

const identity = (ring: SeriesRing) => ({
  entityType: ring.entityType,
  entityId: ring.entityId,
  name: ring.name,
});

const keyOf = (entityType: string, entityId: string, name: string) =>
  `${entityType}\u0000${entityId}\u0000${name}`;

/**
 * The node's local metrics store: the recent samples its agent pushed to the API (heartbeats' node
 * figures, its blocks' executor figures, its vDAG controllers' figures), kept in memory per series
 * (entity type, entity id, name) for `windowSeconds`, bounded in points per series and in series.
 * A write costs a map lookup and a ring slot; only a new series (or a ring growing) allocates.
 */
export function createLocalMetricsStore(opts: LocalMetricsStoreOptions) {
  const windowMs = opts.windowSeconds * 1000;
  const pointsPerSeries = opts.pointsPerSeries ?? DEFAULT_POINTS_PER_SERIES;
  const maxSeries = opts.maxSeries ?? DEFAULT_MAX_SERIES;
  const now = opts.now ?? Date.now;
  const series = new Map<string, SeriesRing>();

  /** Room for one more series: those gone quiet past the window go, else the one written longest ago. */
  const makeRoom = (at: number) => {
    let oldestKey: string | null = null;
    let oldestAt = Number.POSITIVE_INFINITY;
    for (const [key, ring] of series) {
      const newest = ring.newest();
      if (newest < at - windowMs) series.delete(key);
      else if (newest < oldestAt) {
        oldestAt = newest;
        oldestKey = key;
      }
    }
    if (series.size >= maxSeries && oldestKey !== null) series.delete(oldestKey);
  };

  const record = (
    entityType: TSampleEntityType,
    entityId: string,
    name: string,
    value: number,
    at: number,
  ) => {
    if (!Number.isFinite(value)) return;
    const key = keyOf(entityType, entityId, name);
    let ring = series.get(key);
    if (!ring) {
      if (series.size >= maxSeries) makeRoom(at);
      ring = new SeriesRing(entityType, entityId, name, pointsPerSeries);
      series.set(key, ring);
    }
    ring.dropBefore(at - windowMs);
    ring.push(at, value);
  };

  return {
    windowSeconds: opts.windowSeconds,

    /** Samples taken now (or at `at`), as pushed to the API. */
    recordSamples(samples: readonly TMetricSample[], at = now()) {
      for (const s of samples) record(s.entityType, s.entityId, s.name, s.value, at);
    },

    /** A node's figures by name (a heartbeat's load, memory and GPU figures). */
    recordNode(nodeId: string, figures: Readonly<Record<string, number>>, at = now()) {
      for (const name in figures) record("node", nodeId, name, figures[name] as number, at);
    },

    /** A heartbeat's GPU figures, under the names the API stores them (`gpu.<i>.utilization`, ...). */
    recordGpus(
      nodeId: string,
      gpus: ReadonlyArray<{ index: number; utilizationPct: number | null; memoryUsedMb: number | null }>,
      at = now(),
    ) {
      for (const g of gpus) {
        if (g.utilizationPct !== null)
          record("node", nodeId, `gpu.${g.index}.utilization`, g.utilizationPct, at);
        if (g.memoryUsedMb !== null)
          record("node", nodeId, `gpu.${g.index}.memoryUsedMb`, g.memoryUsedMb, at);
      }
    },

    /** How many series and points the store holds now. */
    size(): { series: number; points: number } {
      let points = 0;
      for (const ring of series.values()) points += ring.length;
      return { series: series.size, points };
    },

    /**
     * The series matching `q` with their points within the window and at or after `q.since`
     * (`latest`: the newest point only), at most `q.limit` points in all (`truncated` past it).
     */
    read(q: Omit<TMetricsLocalRequest, "limit"> & { limit: number }): {
      series: TLocalSeries[];
      truncated: boolean;
    } {
      const since = Math.max(q.since ?? 0, now() - windowMs);
      const types = new Set<string>(q.entityTypes);
      const names = q.names ? new Set(q.names) : null;
      const exact = new Set(q.entityIds?.filter((id) => !id.endsWith("/")));
      const prefixes = q.entityIds?.filter((id) => id.endsWith("/")) ?? [];
      const wanted = (id: string) => exact.has(id) || prefixes.some((p) => id.startsWith(p));
      const out: TLocalSeries[] = [];
      let room = q.limit;
      for (const ring of series.values()) {
        if (!types.has(ring.entityType) || (names && !names.has(ring.name))) continue;
        if (q.entityIds && !wanted(ring.entityId)) continue;
        const available = ring.countSince(since);
        if (available === 0) continue;
        const take = q.latest ? 1 : available;
        if (take > room) {
          // A series cut short keeps its newest points; nothing after it is read.
          if (room > 0) out.push({ ...identity(ring), ...ring.read(since, room) });
          return { series: out, truncated: true };
        }
        out.push({ ...identity(ring), ...ring.read(since, take) });
        room -= take;
      }
      return { series: out, truncated: false };
    },
  };
}

export type LocalMetricsStore = ReturnType<typeof createLocalMetricsStore>;
