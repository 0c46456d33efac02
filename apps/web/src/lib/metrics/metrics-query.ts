import {
  type TMetricEntity,
  type TMetricStore,
  type TMetricsQuery,
  type TMetricsRow,
  ZMetricsFilter,
} from "@aios/contracts";

/** What the Metrics page asks for: an entity, a cluster, a filter as the user typed it, and the store. */
export interface MetricsForm {
  entity: TMetricEntity;
  clusterId: string;
  filter: string;
  /** The global history (default) or one cluster's own store (its nodes' recent samples). */
  store?: TMetricStore;
}

export const NO_METRICS_FORM: MetricsForm = { entity: "node", clusterId: "", filter: "", store: "global" };

/** The stores the page reads, as the picker names them. */
export const METRICS_STORES: ReadonlyArray<{ value: TMetricStore; label: string }> = [
  { value: "global", label: "Global history" },
  { value: "cluster", label: "Cluster store" },
];
export const METRICS_PAGE_ROWS = 100;

/** The query of a form, or why its filter is no filter (naming the field, as the API would). */
export function metricsQueryOf(form: MetricsForm): { query: TMetricsQuery } | { error: string } {
  const query: TMetricsQuery = { entity: form.entity, limit: METRICS_PAGE_ROWS };
  if (form.clusterId.trim()) query.clusterId = form.clusterId.trim();
  if (form.store === "cluster") {
    if (!query.clusterId)
      return { error: "clusterId: the cluster store reads one cluster: name it in Cluster" };
    query.store = "cluster";
  }
  const text = form.filter.trim();
  if (!text) return { query };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { error: `filter: not JSON (${(e as Error).message})` };
  }
  const parsed = ZMetricsFilter.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? `filter.${issue.path.join(".")}` : "filter";
    return { error: `${at}: ${issue?.message ?? "invalid"}` };
  }
  return { query: { ...query, filter: parsed.data } };
}

/** The same query from the CLI. */
export function metricsCommandOf(form: MetricsForm): string {
  const parts = ["npx aios metrics", form.entity];
  if (form.clusterId.trim()) parts.push(`--cluster ${form.clusterId.trim()}`);
  if (form.filter.trim()) parts.push(`--filter '${JSON.stringify(JSON.parse(form.filter))}'`);
  if (form.store === "cluster") parts.push("--store cluster");
  return parts.join(" ");
}

/** A row's scalar figures, `key=value`, the first `max` of them (arrays and objects left out). */
export function figuresOf(row: TMetricsRow, max = 8): string {
  const skip = new Set(["id", "clusterId", "blockId", "instanceId", "status"]);
  const out: string[] = [];
  for (const [k, v] of Object.entries(row.metrics)) {
    if (skip.has(k) || v === null || typeof v === "object") continue;
    out.push(`${k}=${typeof v === "number" ? Number(v.toFixed(2)) : String(v)}`);
    if (out.length === max) break;
  }
  return out.join("  ");
}
