import { z } from "zod";
import { ZMetricsFilter } from "./metrics-filter";

export * from "./metrics-filter";

/**
 * The metrics query API (`metrics.query`, `metrics.series`; CLI `aios metrics`): the global
 * metrics store (`metric_samples`, written by agents' heartbeats and their block and vDAG reports)
 * read as CURRENT documents per entity, filtered with the metrics filter language
 * (metrics-filter.ts), or as bucketed series.
 *
 * CURRENT DOCUMENTS. Each entity's `metrics` is its newest sample per metric name (whatever its
 * age: the store keeps a day; `at` is the newest sample's time, null when it has none) over what
 * the registries say of it. Sample names become camelCase keys, a dotted name nested objects
 * (`in_flight` -> `inFlight`, `tasks_total.completed` -> `tasksTotal.completed`). A figure never
 * reported is absent (a filter on it matches nothing but `!=`); a GPU figure nvidia-smi did not give
 * is null.
 *
 * - `node` (id: node id): `{id, clusterId, status, vcpus, memoryMb, storageMb, load1m, load15m,
 *   freeMemoryMb, freeStorageMb, gpuCount, gpuMemoryMb, gpuMemoryUsedMb, gpuFreeMemoryMb,
 *   gpuUtilizationPct (avg), gpus: [{index, modelName, memoryMb, utilizationPct, memoryUsedMb,
 *   freeMemoryMb}]}`.
 * - `cluster` (id: cluster id): `{id, status, cluster: {nodes, vcpus, memoryMb, gpus, gpuMemoryMb
 *   (the pre-check totals: counts and capacity), freeMemoryMb, freeStorageMb, gpuMemoryUsedMb,
 *   gpuFreeMemoryMb (sums over the nodes), load1m, load15m, gpuUtilizationPct (averages over the
 *   nodes reporting them)}, nodes: [node documents]}`, so `cluster.load15m < 2` or
 *   `{aggOperator: "avg", target: "nodes.load15m", operator: "<", value: 2}`.
 * - `block` (id: block id): `{id, clusterId, status, inFlight, instancesHealthy, tasksTotal:
 *   {<outcome>: n}, instanceCount, instances: [instance documents]}`.
 * - `instance` (id: `<blockId>/<instanceId>`): `{id, blockId, instanceId, clusterId, nodeId,
 *   status, inFlight, latencyP50Ms, tasksCompleted, tasksFailed}`.
 * - `vdag` (id: vDAG URI): `{id, status, requestsTotal, errorsTotal, refusedTotal, latencyP50Ms,
 *   latencyP99Ms, healthy (1|0), nodes: [{label, requestsTotal, errorsTotal, latencyP50Ms,
 *   latencyP99Ms}]}`; its clusterId is its first controller's.
 *
 * STORES. `store: "global"` (the default) reads the global store above. `store: "cluster"` reads
 * one cluster's own store: the samples each of its node agents keeps in memory (the last
 * `AIOS_LOCAL_METRICS_SECONDS`, 15 minutes by default, at full resolution; local-metrics.ts),
 * asked of every ready node of the cluster within about 2 s. It needs one cluster in scope
 * (`clusterId`, or a cluster's `id` for a series of anything of the cluster); answers are the same
 * documents and points, with `missingNodes` the ready nodes that did not answer in time.
 *
 * BOUNDS. A query returns at most `limit` rows (`truncated` when more may match: more matched, or
 * the entities examined reached the server's cap before the limit was met). Series read one entity's
 * samples of at most MAX_METRICS_SERIES_NAMES names within MAX_METRICS_WINDOW_SECONDS.
 */
export const METRIC_ENTITIES = ["cluster", "node", "block", "instance", "vdag"] as const;
export const ZMetricEntity = z.enum(METRIC_ENTITIES);
export type TMetricEntity = z.infer<typeof ZMetricEntity>;

export const MAX_METRICS_ROWS = 500;
export const DEFAULT_METRICS_ROWS = 100;
/** The furthest back a series reads (7 days; the store itself keeps a day today). */
export const MAX_METRICS_WINDOW_SECONDS = 7 * 24 * 3600;
export const MAX_METRICS_IDS = 100;
export const MAX_METRICS_SERIES_NAMES = 20;
export const MAX_METRICS_BUCKETS = 1000;
/** Points a series answers at most (names x buckets may be more: then `truncated`). */
export const MAX_METRICS_POINTS = 5000;

export const METRIC_STORES = ["global", "cluster"] as const;
export const ZMetricStore = z.enum(METRIC_STORES);
export type TMetricStore = z.infer<typeof ZMetricStore>;

export const ZMetricsQuery = z.strictObject({
  entity: ZMetricEntity,
  store: ZMetricStore.default("global"),
  filter: ZMetricsFilter.optional(),
  clusterId: z.string().min(1).max(200).optional(),
  ids: z.array(z.string().min(1).max(500)).min(1).max(MAX_METRICS_IDS).optional(),
  limit: z.number().int().min(1).max(MAX_METRICS_ROWS).default(DEFAULT_METRICS_ROWS),
});
export type TMetricsQuery = z.input<typeof ZMetricsQuery>;

export const ZMetricsRow = z.object({
  entity: ZMetricEntity,
  id: z.string(),
  clusterId: z.string().nullable(),
  /** The newest sample's time (ISO), null when the entity has no sample. */
  at: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()),
});
export type TMetricsRow = z.infer<typeof ZMetricsRow>;

/** What every answer says of the store it read: which, and (cluster store) the nodes that did not answer. */
const storeAnswer = {
  store: ZMetricStore.optional(),
  /** Cluster store: the ready nodes of the cluster that did not answer in time (their samples missing). */
  missingNodes: z.array(z.string()).optional(),
};

export const ZMetricsQueryResult = z.object({
  rows: z.array(ZMetricsRow),
  truncated: z.boolean(),
  ...storeAnswer,
});
export type TMetricsQueryResult = z.infer<typeof ZMetricsQueryResult>;

export const SERIES_AGGS = ["avg", "min", "max", "sum", "count", "last"] as const;
export const ZSeriesAgg = z.enum(SERIES_AGGS);
export type TSeriesAgg = z.infer<typeof ZSeriesAgg>;

/**
 * One entity's samples of some names over the last `lastSeconds`, aggregated per bucket of
 * `stepSeconds` (bucket starts aligned on the window's start; without a step the whole window is
 * one bucket). A cluster's series aggregate its nodes' samples (e.g. `avg` of `load15m` over all
 * its nodes); a block's are its own samples (`in_flight`, ...), an instance's its own. Names are
 * the stored sample names (`load15m`, `gpu.0.utilization`, `in_flight`, `latency_p50_ms`).
 */
export const ZMetricsSeriesQuery = z
  .strictObject({
    entity: ZMetricEntity,
    store: ZMetricStore.default("global"),
    id: z.string().min(1).max(500),
    names: z.array(z.string().min(1).max(120)).min(1).max(MAX_METRICS_SERIES_NAMES),
    lastSeconds: z.number().int().min(1).max(MAX_METRICS_WINDOW_SECONDS),
    stepSeconds: z.number().int().min(1).optional(),
    agg: ZSeriesAgg.default("avg"),
  })
  .superRefine((q, ctx) => {
    if (q.stepSeconds === undefined) return;
    if (q.stepSeconds > q.lastSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["stepSeconds"],
        message: `must be <= lastSeconds (${q.lastSeconds}), got ${q.stepSeconds}`,
        input: q.stepSeconds,
      });
    } else if (Math.ceil(q.lastSeconds / q.stepSeconds) > MAX_METRICS_BUCKETS) {
      ctx.addIssue({
        code: "custom",
        path: ["stepSeconds"],
        message: `makes more than ${MAX_METRICS_BUCKETS} buckets of lastSeconds ${q.lastSeconds} (MAX_METRICS_BUCKETS): use a step >= ${Math.ceil(q.lastSeconds / MAX_METRICS_BUCKETS)}`,
        input: q.stepSeconds,
      });
    }
  });
export type TMetricsSeriesQuery = z.input<typeof ZMetricsSeriesQuery>;

export const ZMetricsPoint = z.object({ name: z.string(), ts: z.string(), value: z.number() });
export const ZMetricsSeriesResult = z.object({
  points: z.array(ZMetricsPoint),
  truncated: z.boolean(),
  ...storeAnswer,
});
export type TMetricsSeriesResult = z.infer<typeof ZMetricsSeriesResult>;
