/**
 * Metric samples (`nodes.metricSeries`, `blocks.metricSeries`: one row per entity, name and time)
 * turned into what a time-series chart draws: one shared time axis and one value column per line.
 */

export interface MetricSample {
  entity: string;
  name: string;
  value: number;
  /** ISO-8601. */
  ts: string;
}

export interface ChartSeries {
  label: string;
  /** One value per `x`; null where this line has no sample. */
  values: (number | null)[];
}

export interface ChartData {
  /** Unix seconds, ascending. */
  x: number[];
  series: ChartSeries[];
}

export const EMPTY_CHART: ChartData = { x: [], series: [] };

/**
 * Aligns samples on their timestamps (samples of one report share one). `lineOf` names the line a
 * sample belongs to, or null to leave it out; lines keep the order `order` gives, else by label.
 */
export function alignSamples(
  samples: readonly MetricSample[],
  lineOf: (s: MetricSample) => string | null,
  order?: (a: string, b: string) => number,
): ChartData {
  const byLine = new Map<string, Map<number, number>>();
  const times = new Set<number>();
  for (const s of samples) {
    const line = lineOf(s);
    if (line === null) continue;
    const t = Math.round(Date.parse(s.ts) / 1000);
    if (!Number.isFinite(t)) continue;
    times.add(t);
    const points = byLine.get(line) ?? new Map<number, number>();
    byLine.set(line, points);
    points.set(t, s.value);
  }
  const x = [...times].sort((a, b) => a - b);
  const labels = [...byLine.keys()].sort(order ?? ((a, b) => a.localeCompare(b, "en", { numeric: true })));
  return {
    x,
    series: labels.map((label) => {
      const points = byLine.get(label) as Map<number, number>;
      return { label, values: x.map((t) => points.get(t) ?? null) };
    }),
  };
}

/**
 * Counters as a rate per second between consecutive samples. A counter that went down (its
 * executor restarted) has no rate at that point rather than a negative one.
 */
export function toRate(data: ChartData): ChartData {
  return {
    x: data.x,
    series: data.series.map((s) => {
      let prev: { t: number; v: number } | null = null;
      const values = s.values.map((v, i) => {
        const t = data.x[i] as number;
        if (v === null) return null;
        const rate = prev && t > prev.t && v >= prev.v ? (v - prev.v) / (t - prev.t) : null;
        prev = { t, v };
        return rate;
      });
      return { ...s, values };
    }),
  };
}

/** Every value through `fn` (nulls stay null). */
export function mapValues(data: ChartData, fn: (v: number) => number): ChartData {
  return {
    x: data.x,
    series: data.series.map((s) => ({ ...s, values: s.values.map((v) => (v === null ? null : fn(v))) })),
  };
}

/** The newest non-null value of a line, for the legend. */
export function lastValue(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}
