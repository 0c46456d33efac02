import { z } from "zod";
import type { TVdagControllerStatus } from "./vdag-plan";

/*
 * The cluster-local metrics store: each node agent keeps its node's recent samples in memory (the
 * very samples it pushes to the API's global store, `metric_samples`) and answers `metrics.local`
 * jobs on its node queue with them. The API's `metrics.query` / `metrics.series` with
 * `store: "cluster"` ask every ready node of one cluster and merge the answers.
 */

/** The entity types of stored samples (`metric_samples.entity_type`, the local store's too). */
export const VDAG_ENTITY = "vdag";
export const VDAG_NODE_ENTITY = "vdag-node";
export const SAMPLE_ENTITY_TYPES = ["node", "block", "instance", VDAG_ENTITY, VDAG_NODE_ENTITY] as const;
export const ZSampleEntityType = z.enum(SAMPLE_ENTITY_TYPES);
export type TSampleEntityType = z.infer<typeof ZSampleEntityType>;

/** One sample as agents push it (its time is when it was taken, or when the API stored it). */
export interface TMetricSample {
  entityType: TSampleEntityType;
  /** A node id, block id, `<blockId>/<instanceId>`, vDAG URI or `<vdagURI>/<label>`. */
  entityId: string;
  name: string;
  value: number;
}

/**
 * A controller's figures (`GET /status`) as metric samples: per vDAG requests, errors, refusals and
 * the p50/p99 of its walks; per node steps, errors and their p50/p99. Counters are the controller
 * process's own (they start at 0 again when it restarts, as a block executor's do).
 */
export function vdagMetricSamples(vdagURI: string, status: TVdagControllerStatus): TMetricSample[] {
  const samples: TMetricSample[] = [];
  const add = (entityType: TSampleEntityType, entityId: string, name: string, value: unknown) => {
    if (typeof value === "number" && Number.isFinite(value))
      samples.push({ entityType, entityId, name, value });
  };
  const r = status.requests;
  add(VDAG_ENTITY, vdagURI, "requests_total", r.total);
  add(VDAG_ENTITY, vdagURI, "errors_total", r.errors);
  add(VDAG_ENTITY, vdagURI, "refused_total", r.refused);
  add(VDAG_ENTITY, vdagURI, "latency_p50_ms", r.p50Ms);
  add(VDAG_ENTITY, vdagURI, "latency_p99_ms", r.p99Ms);
  add(VDAG_ENTITY, vdagURI, "healthy", status.healthy ? 1 : 0);
  for (const [label, n] of Object.entries(status.nodes)) {
    const id = `${vdagURI}/${label}`;
    add(VDAG_NODE_ENTITY, id, "requests_total", n.requests);
    add(VDAG_NODE_ENTITY, id, "errors_total", n.errors);
    add(VDAG_NODE_ENTITY, id, "latency_p50_ms", n.p50Ms);
    add(VDAG_NODE_ENTITY, id, "latency_p99_ms", n.p99Ms);
  }
  return samples;
}

/** Points one node answers at most for one `metrics.local` job. */
export const MAX_LOCAL_METRICS_POINTS = 20_000;
/** Entity ids (or `<id>/` prefixes) one `metrics.local` job may name. */
export const MAX_LOCAL_METRICS_IDS = 500;

/**
 * What one node's agent is asked of its local store: the series of some entity types (optionally
 * of listed ids: an id ending in `/` selects every id under it, e.g. a block's instances), of some
 * names, with samples at or after `since` (ms since the epoch); `latest` answers each series' newest
 * sample only. At most `limit` points (then `truncated`).
 */
export const ZMetricsLocalRequest = z.object({
  entityTypes: z.array(ZSampleEntityType).min(1).max(SAMPLE_ENTITY_TYPES.length),
  entityIds: z.array(z.string().min(1).max(500)).max(MAX_LOCAL_METRICS_IDS).optional(),
  names: z.array(z.string().min(1).max(120)).max(100).optional(),
  since: z.number().int().min(0).optional(),
  latest: z.boolean().optional(),
  limit: z.number().int().min(1).max(MAX_LOCAL_METRICS_POINTS),
});
export type TMetricsLocalRequest = z.infer<typeof ZMetricsLocalRequest>;

/** One series of a node's local store: its points oldest first, `ts` in ms since the epoch. */
export const ZLocalSeries = z.object({
  entityType: ZSampleEntityType,
  entityId: z.string(),
  name: z.string(),
  ts: z.array(z.number()),
  values: z.array(z.number()),
});
export type TLocalSeries = z.infer<typeof ZLocalSeries>;

/** A node's answer to `metrics.local`: its series, the points it keeps back (`windowSeconds`). */
export const ZMetricsLocalAnswer = z.object({
  nodeId: z.string(),
  windowSeconds: z.number(),
  series: z.array(ZLocalSeries),
  truncated: z.boolean(),
});
export type TMetricsLocalAnswer = z.infer<typeof ZMetricsLocalAnswer>;
