import type { ColorScheme } from "./use-color-scheme";

export interface ChartTheme {
  /** Line colours, in series order (repeats after the last). */
  lines: readonly string[];
  axis: string;
  grid: string;
  font: string;
}

// Tailwind's indigo, emerald, amber, rose, sky, violet, teal, orange: 600s on white, 400s on black.
const LIGHT_LINES = ["#4f46e5", "#059669", "#d97706", "#e11d48", "#0284c7", "#7c3aed", "#0d9488", "#ea580c"];
const DARK_LINES = ["#818cf8", "#34d399", "#fbbf24", "#fb7185", "#38bdf8", "#a78bfa", "#2dd4bf", "#fb923c"];
const FONT = "11px ui-sans-serif, system-ui, sans-serif";

export const CHART_THEMES: Record<ColorScheme, ChartTheme> = {
  light: { lines: LIGHT_LINES, axis: "#71717a", grid: "#f4f4f5", font: FONT },
  dark: { lines: DARK_LINES, axis: "#a1a1aa", grid: "#27272a", font: FONT },
};

export const lineColor = (theme: ChartTheme, i: number) => theme.lines[i % theme.lines.length] as string;

/** "0.42", "12", "1.2k": short numbers for axes and legends, with the chart's unit. */
export function formatValue(v: number | null | undefined, unit = ""): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const abs = Math.abs(v);
  const n =
    abs >= 10_000
      ? `${(v / 1000).toFixed(0)}k`
      : abs >= 1000
        ? `${(v / 1000).toFixed(1)}k`
        : abs >= 100 || Number.isInteger(v)
          ? v.toFixed(0)
          : abs >= 10
            ? v.toFixed(1)
            : v.toFixed(2);
  if (!unit) return n;
  return unit === "%" || unit.startsWith("/") ? `${n}${unit}` : `${n} ${unit}`;
}
