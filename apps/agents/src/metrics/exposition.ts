/**
 * The Prometheus text exposition format (0.0.4), as far as the agent needs it to re-expose its
 * workloads' `/metrics` as one scrape target: parse, add labels to every sample, merge the families
 * of several sources (one HELP and TYPE per family, as `promtool check metrics` demands), render.
 */

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  /** The sample's own name: a histogram's `<family>_bucket`, `_sum`, `_count`. */
  name: string;
  labels: Array<[string, string]>;
  /** The value (and timestamp, if any) as written. */
  value: string;
}

export interface Family {
  name: string;
  help: string | undefined;
  type: MetricType;
  samples: Sample[];
}

const TYPES = new Set<MetricType>(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<MetricType, string[]> = {
  counter: ["", "_total"],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Parses text exposition; a line it cannot read is skipped (the caller may count `skipped`). */
export function parseExposition(text: string): { families: Family[]; skipped: number } {
  const families = new Map<string, Family>();
  let skipped = 0;
  let current: Family | undefined;
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) {
      f = { name, help: undefined, type: "untyped", samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
      if (!m) continue; // a comment
      const f = family(m[2] as string);
      if (m[1] === "HELP") f.help = unescapeHelp(m[3] ?? "");
      else if (TYPES.has(m[3] as MetricType)) f.type = m[3] as MetricType;
      current = f;
      continue;
    }
    const sample = parseSample(line);
    if (!sample) {
      skipped++;
      continue;
    }
    const owner =
      current && SUFFIXES[current.type].some((s) => sample.name === current?.name + s)
        ? current
        : family(sample.name);
    owner.samples.push(sample);
  }
  return { families: [...families.values()], skipped };
}

function parseSample(line: string): Sample | undefined {
  const name = NAME.exec(line)?.[0];
  if (!name) return undefined;
  let i = name.length;
  const labels: Array<[string, string]> = [];
  if (line[i] === "{") {
    i++;
    for (;;) {
      while (line[i] === " " || line[i] === ",") i++;
      if (line[i] === "}") {
        i++;
        break;
      }
      const key = NAME.exec(line.slice(i))?.[0];
      if (!key) return undefined;
      i += key.length;
      while (line[i] === " ") i++;
      if (line[i] !== "=") return undefined;
      i++;
      while (line[i] === " ") i++;
      if (line[i] !== '"') return undefined;
      i++;
      let value = "";
      for (;;) {
        const c = line[i];
        if (c === undefined) return undefined;
        i++;
        if (c === '"') break;
        if (c === "\\") {
          const e = line[i++];
          value += e === "n" ? "\n" : (e ?? "");
        } else value += c;
      }
      labels.push([key, value]);
    }
  }
  const value = line.slice(i).trim();
  if (value === "" || Number.isNaN(Number(value.split(/\s+/)[0]?.replace(/^\+?Inf$/i, "Infinity"))))
    return undefined;
  return { name, labels, value };
}

/**
 * Adds `labels` to every sample. A sample's own label of the same name and another value is kept
 * as `exported_<name>` (Prometheus's own rule for a target's conflicting labels); an empty value
 * adds nothing.
 */
export function withLabels(families: Family[], labels: Record<string, string>): Family[] {
  const added = Object.entries(labels).filter(([, v]) => v !== "");
  return families.map((f) => ({
    ...f,
    samples: f.samples.map((s) => {
      const own = s.labels.map(([k, v]): [string, string] =>
        added.some(([ak, av]) => ak === k && av !== v) ? [`exported_${k}`, v] : [k, v],
      );
      // A label it has already, with the same value, stays where it is.
      const missing = added.filter(([ak]) => !own.some(([k]) => k === ak));
      return { ...s, labels: [...own, ...missing] };
    }),
  }));
}

/**
 * Merges families from several sources by name: the first source's HELP and TYPE win; a family of
 * the same name and another type is dropped (counted in `conflicts`), as is a series seen before.
 */
export function mergeFamilies(sources: Family[][]): { families: Family[]; conflicts: number } {
  const merged = new Map<string, Family & { series: Set<string> }>();
  let conflicts = 0;
  for (const families of sources)
    for (const f of families) {
      let m = merged.get(f.name);
      if (!m) {
        m = { name: f.name, help: f.help, type: f.type, samples: [], series: new Set() };
        merged.set(f.name, m);
      } else if (m.type !== f.type) {
        conflicts++;
        continue;
      }
      m.help ??= f.help;
      for (const s of f.samples) {
        const key = `${s.name}${JSON.stringify([...s.labels].sort(([a], [b]) => (a < b ? -1 : 1)))}`;
        if (m.series.has(key)) continue;
        m.series.add(key);
        m.samples.push(s);
      }
    }
  return { families: [...merged.values()].map(({ series: _, ...f }) => f), conflicts };
}

/** Renders families as text exposition (`text/plain; version=0.0.4`). */
export function renderExposition(families: Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    if (f.help !== undefined) out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    out.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
      out.push(`${s.name}${labels ? `{${labels}}` : ""} ${s.value}`);
    }
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}

const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const unescapeHelp = (s: string) => s.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));
const escapeLabel = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
