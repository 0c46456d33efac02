"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { type ChartData, lastValue } from "@/lib/charts/series";
import { CHART_THEMES, type ChartTheme, formatValue, lineColor } from "@/lib/charts/theme";
import { useColorScheme } from "@/lib/charts/use-color-scheme";
import { cn } from "@/lib/cn";

export interface TimeSeriesChartProps {
  title: string;
  data: ChartData;
  /** Appended to values in the legend and on the y axis ("%", "ms", "/s"). */
  unit?: string;
  /** Fixed top of the y axis (100 for percentages); otherwise it follows the data. */
  yMax?: number;
  height?: number;
  /** Shown instead of the chart while there is not a single sample. */
  emptyText?: string;
  testId?: string;
  className?: string;
}

/**
 * A time series drawn by uPlot on a canvas, in the page's colour scheme, as wide as its container,
 * with a legend that shows each line's newest value (or the value under the cursor).
 * Browser only: the canvas is created in an effect, so a server render shows the frame.
 */
export function TimeSeriesChart({
  title,
  data,
  unit = "",
  yMax,
  height = 140,
  emptyText = "No samples yet.",
  testId,
  className,
}: TimeSeriesChartProps) {
  const theme = CHART_THEMES[useColorScheme()];
  const [hover, setHover] = useState<number | null>(null);
  const empty = data.x.length === 0;
  return (
    <figure className={cn("min-w-0", className)} data-testid={testId} aria-label={title}>
      <figcaption className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <span className="text-xs font-medium text-zinc-700">{title}</span>
        <Legend data={data} unit={unit} theme={theme} index={hover} />
      </figcaption>
      {empty ? (
        <div
          className="flex items-center justify-center rounded-md border border-dashed border-zinc-200 text-xs text-zinc-400"
          style={{ height }}
          data-testid="chart-empty"
        >
          {emptyText}
        </div>
      ) : (
        <Plot data={data} unit={unit} yMax={yMax} height={height} theme={theme} onHover={setHover} />
      )}
    </figure>
  );
}

function Legend({
  data,
  unit,
  theme,
  index,
}: {
  data: ChartData;
  unit: string;
  theme: ChartTheme;
  index: number | null;
}) {
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-500" aria-label="Legend">
      {data.series.map((s, i) => {
        const value = index === null ? lastValue(s.values) : (s.values[index] ?? null);
        return (
          <li key={s.label} className="inline-flex items-center gap-1.5">
            <span
              className="h-0.5 w-3 rounded-full"
              style={{ background: lineColor(theme, i) }}
              aria-hidden
            />
            <span>{s.label}</span>
            <span className="font-medium tabular-nums text-zinc-800">{formatValue(value, unit)}</span>
          </li>
        );
      })}
    </ul>
  );
}

function Plot({
  data,
  unit,
  yMax,
  height,
  theme,
  onHover,
}: {
  data: ChartData;
  unit: string;
  yMax: number | undefined;
  height: number;
  theme: ChartTheme;
  onHover: (index: number | null) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const aligned = useMemo(() => [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData, [data]);
  // The chart is rebuilt only when its lines or look change; new samples go through setData.
  const shape = data.series.map((s) => s.label).join("\n");
  const latest = useRef(aligned);
  latest.current = aligned;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const axis = (values: uPlot.Axis["values"], size?: number): uPlot.Axis => ({
      stroke: theme.axis,
      font: theme.font,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1, size: 4 },
      ...(values ? { values } : {}),
      ...(size ? { size } : {}),
    });
    const u = new uPlot(
      {
        width: Math.max(el.clientWidth, 100),
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, yMax ?? (max > 0 ? max * 1.15 : 1)] },
        },
        axes: [
          axis(undefined),
          axis((_u, ticks) => ticks.map((t) => formatValue(t, unit === "%" ? "%" : "")), 52),
        ],
        series: [
          {},
          ...(shape ? shape.split("\n") : []).map((label, i) => ({
            label,
            stroke: lineColor(theme, i),
            width: 1.5,
            spanGaps: false,
          })),
        ],
        hooks: {
          setCursor: [(self) => onHover(self.cursor.idx ?? null)],
        },
      },
      latest.current,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(([entry]) => {
      if (entry) u.setSize({ width: Math.max(entry.contentRect.width, 100), height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape, theme, height, unit, yMax, onHover]);

  useEffect(() => {
    plot.current?.setData(aligned);
  }, [aligned]);

  return <div ref={container} style={{ height }} className="w-full" />;
}
