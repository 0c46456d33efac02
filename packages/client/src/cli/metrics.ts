import { parseArgs } from "node:util";
import {
  METRIC_ENTITIES,
  METRIC_STORES,
  SERIES_AGGS,
  type TMetricEntity,
  type TMetricStore,
  type TMetricsFilter,
  type TMetricsRow,
  type TSeriesAgg,
} from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { intValue, jsonValue, print } from "./values";

export const METRICS_USAGE = `  aios metrics ENTITY [--filter JSON] [--cluster C] [--id ID ...] [--limit N]
                     [--store global|cluster] [-o table|json]
                                          current metrics (newest sample per name) of clusters,
                                          nodes, blocks, instances or vdags, filtered: the filter
                                          language plus aggregates, e.g. '{"aggOperator":"avg",
                                          "target":"nodes.load15m","operator":"<","value":2}'
  aios metrics series ENTITY ID --name N [--name M ...] [--last 15m] [--step 30s]
                      [--agg avg|min|max|sum|count|last] [--store global|cluster] [-o table|json]
                                          an entity's samples per bucket (a cluster's: its nodes');
                                          durations N s|m|h|d
                                          --store cluster reads the cluster's own store (its nodes'
                                          recent samples, full resolution; needs --cluster for
                                          ENTITY) instead of the global history`;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `30s`, `5m`, `1h`, `2d` in seconds; anything else is a usage error naming the option. */
export function durationSeconds(option: string, value: string): number {
  const m = /^(\d+)([smhd])$/.exec(value.trim());
  if (!m || Number(m[1]) === 0)
    throw new CliUsageError(
      `${option} must be a duration like 30s, 5m, 1h or 2d, got ${JSON.stringify(value)}`,
    );
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}

/** `node` or `nodes`, ... */
function entityOf(value: string | undefined, what: string): TMetricEntity {
  const singular = value?.endsWith("s") ? value.slice(0, -1) : value;
  if (!singular || !(METRIC_ENTITIES as readonly string[]).includes(singular))
    throw new CliUsageError(
      `${what}: ENTITY must be one of ${METRIC_ENTITIES.join(", ")}, got ${JSON.stringify(value ?? "")}`,
    );
  return singular as TMetricEntity;
}

const num = (key: string) => (r: TMetricsRow) => {
  const v = r.metrics[key];
  return typeof v === "number" ? Math.round(v * 100) / 100 : undefined;
};
const totals = (key: string) => (r: TMetricsRow) =>
  num(key)({ ...r, metrics: (r.metrics.cluster ?? {}) as Record<string, unknown> });
const when = (iso: string | null) => iso?.replace("T", " ").replace(/\.\d+Z$/, "Z");

/** The figures a table shows per entity (`-o json` has the whole documents). */
const FIGURES: Record<TMetricEntity, Record<string, (r: TMetricsRow) => unknown>> = {
  cluster: {
    NODES: totals("nodes"),
    LOAD15M: totals("load15m"),
    "FREE-MEM-MB": totals("freeMemoryMb"),
    GPUS: totals("gpus"),
    "GPU-FREE-MB": totals("gpuFreeMemoryMb"),
    "GPU-UTIL%": totals("gpuUtilizationPct"),
  },
  node: {
    LOAD15M: num("load15m"),
    "FREE-MEM-MB": num("freeMemoryMb"),
    GPUS: num("gpuCount"),
    "GPU-FREE-MB": num("gpuFreeMemoryMb"),
    "GPU-UTIL%": num("gpuUtilizationPct"),
  },
  block: {
    STATUS: (r) => r.metrics.status,
    "IN-FLIGHT": num("inFlight"),
    INSTANCES: num("instanceCount"),
    HEALTHY: num("instancesHealthy"),
  },
  instance: { STATUS: (r) => r.metrics.status, "IN-FLIGHT": num("inFlight"), "P50-MS": num("latencyP50Ms") },
  vdag: {
    REQUESTS: num("requestsTotal"),
    ERRORS: num("errorsTotal"),
    "P99-MS": num("latencyP99Ms"),
    HEALTHY: num("healthy"),
  },
};

function storeOf(value: string | undefined, what: string): TMetricStore | undefined {
  if (value === undefined) return undefined;
  if (!(METRIC_STORES as readonly string[]).includes(value))
    throw new CliUsageError(
      `${what}: --store must be one of ${METRIC_STORES.join(", ")}, got ${JSON.stringify(value)}`,
    );
  return value as TMetricStore;
}

/** The nodes of the cluster that did not answer (cluster store): their samples are missing. */
function warnMissing(io: CliIo, missing: string[] | undefined) {
  if (missing?.length) io.err(`nodes that did not answer (their samples missing): ${missing.join(", ")}`);
}

function outputOf(value: string | undefined, what: string): "table" | "json" {
  const output = value ?? "table";
  if (output !== "table" && output !== "json")
    throw new CliUsageError(`${what}: -o must be table or json, got ${JSON.stringify(output)}`);
  return output;
}

export async function metricsCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  if (args[0] === "series") return seriesCommand(api, args.slice(1), io);
  let parsed: ReturnType<typeof parseQuery>;
  try {
    parsed = parseQuery(args);
  } catch (err) {
    throw new CliUsageError(`metrics: ${(err as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new CliUsageError(
      `metrics: expected one ENTITY (${METRIC_ENTITIES.join(", ")}), got ${positionals.length}`,
    );
  const entity = entityOf(positionals[0], "metrics");
  const output = outputOf(values.output, "metrics");
  const limit = intValue("--limit", values.limit);
  if (limit === 0) throw new CliUsageError("--limit must be at least 1");
  const filter = jsonValue("--filter", values.filter) as TMetricsFilter | undefined;
  const store = storeOf(values.store, "metrics");
  const result = await api.metrics.query.query({
    entity,
    ...(store ? { store } : {}),
    ...(filter !== undefined ? { filter } : {}),
    ...(values.cluster ? { clusterId: values.cluster } : {}),
    ...(values.id?.length ? { ids: values.id } : {}),
    ...(limit ? { limit } : {}),
  });
  if (output === "json") {
    print(io.out, result);
    return 0;
  }
  const columns = {
    ID: (r: TMetricsRow) => r.id,
    CLUSTER: (r: TMetricsRow) => r.clusterId,
    AT: (r: TMetricsRow) => when(r.at),
    ...FIGURES[entity],
  };
  io.out(renderTable(columns, result.rows));
  warnMissing(io, result.missingNodes);
  if (result.truncated) io.err(`more ${entity}s may match: raise --limit (at most 500) or narrow --filter`);
  return 0;
}

async function seriesCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseSeries>;
  try {
    parsed = parseSeries(args);
  } catch (err) {
    throw new CliUsageError(`metrics series: ${(err as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new CliUsageError("metrics series: expected ENTITY ID");
  const entity = entityOf(positionals[0], "metrics series");
  const output = outputOf(values.output, "metrics series");
  if (!values.name?.length) throw new CliUsageError("metrics series: --name is required (one or more)");
  const agg = values.agg ?? "avg";
  if (!(SERIES_AGGS as readonly string[]).includes(agg))
    throw new CliUsageError(
      `metrics series --agg must be one of ${SERIES_AGGS.join(", ")}, got ${JSON.stringify(agg)}`,
    );
  const lastSeconds = durationSeconds("--last", values.last ?? "15m");
  const stepSeconds = values.step === undefined ? undefined : durationSeconds("--step", values.step);
  const store = storeOf(values.store, "metrics series");
  const result = await api.metrics.series.query({
    entity,
    ...(store ? { store } : {}),
    id: positionals[1] as string,
    names: values.name,
    lastSeconds,
    ...(stepSeconds ? { stepSeconds } : {}),
    agg: agg as TSeriesAgg,
  });
  if (output === "json") print(io.out, result);
  else
    io.out(
      renderTable(
        { NAME: (p) => p.name, TIME: (p) => when(p.ts), VALUE: (p) => Math.round(p.value * 1000) / 1000 },
        result.points,
      ),
    );
  if (output === "table") warnMissing(io, result.missingNodes);
  if (result.truncated && output === "table")
    io.err("more points than shown: use a longer --step or fewer --name");
  return 0;
}

function parseQuery(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      filter: { type: "string" },
      cluster: { type: "string" },
      id: { type: "string", multiple: true },
      limit: { type: "string" },
      store: { type: "string" },
      output: { type: "string", short: "o" },
    },
  });
}

function parseSeries(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: "string", multiple: true },
      last: { type: "string" },
      step: { type: "string" },
      agg: { type: "string" },
      store: { type: "string" },
      output: { type: "string", short: "o" },
    },
  });
}
