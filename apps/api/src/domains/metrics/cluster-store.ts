import {
  MAX_LOCAL_METRICS_POINTS,
  type TMetricEntity,
  type TMetricsLocalAnswer,
  type TMetricsLocalRequest,
  type TSampleEntityType,
  type TSeriesAgg,
  ZMetricsLocalAnswer,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import { NotFoundError, UserError } from "../../errors";
import type { ClusterQueues } from "../queues/cluster-queues";
import type { LatestSample, SeriesPointsQuery } from "./metrics-sql";

/*
 * The cluster store of the metrics query API (`store: "cluster"`): the samples each node agent of
 * one cluster keeps in memory (apps/agents metrics/local-store.ts), asked of every node whose agent
 * is alive over its node queue (`metrics.local`), in parallel and within CLUSTER_STORE_DEADLINE_MS.
 */

/** How long the API waits for the nodes' answers; a node silent past it is one of `missingNodes`. */
export const CLUSTER_STORE_DEADLINE_MS = 2000;

/**
 * The nodes' deadline within a call of a time limit of its own (a policy's `ctx.query`, itself
 * bounded at 2 s): two thirds of it, the rest for the registries' reads.
 */
export const nodesDeadlineMs = (timeoutMs: number | undefined) =>
  timeoutMs === undefined
    ? CLUSTER_STORE_DEADLINE_MS
    : Math.min(CLUSTER_STORE_DEADLINE_MS, Math.round((timeoutMs * 2) / 3));

/** Node statuses whose agent is alive and asked; the others (lost) are missing without being asked. */
const ASKED_STATUSES = ["ready", "unstable"];

/** The cluster a current-documents query with `store: "cluster"` reads: `clusterId`, or a cluster's one id. */
export function clusterInScope(q: {
  entity: TMetricEntity;
  clusterId?: string | undefined;
  ids?: string[] | undefined;
}) {
  if (q.clusterId !== undefined) return q.clusterId;
  if (q.entity === "cluster" && q.ids?.length === 1) return q.ids[0] as string;
  throw UserError.field(
    "clusterId",
    'is required with store "cluster": the cluster whose nodes answer (or, for entity "cluster", one id in ids)',
  );
}

/** The cluster an entity of a series belongs to (a vDAG: its first controller's). */
export async function clusterOfSeries(db: Db, entity: TMetricEntity, id: string): Promise<string> {
  let clusterId: string | null | undefined;
  if (entity === "cluster")
    clusterId = (await db.cluster.findUnique({ where: { id }, select: { id: true } }))?.id;
  else if (entity === "node")
    clusterId = (await db.node.findUnique({ where: { id }, select: { clusterId: true } }))?.clusterId;
  else if (entity === "block" || entity === "instance") {
    const blockId = entity === "instance" ? (id.split("/")[0] as string) : id;
    clusterId = (await db.block.findUnique({ where: { id: blockId }, select: { clusterId: true } }))
      ?.clusterId;
  } else {
    const c = await db.vdagController.findFirst({
      where: { vdagURI: id, clusterId: { not: null } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { clusterId: true },
    });
    clusterId = c?.clusterId;
  }
  if (clusterId === undefined) throw new NotFoundError(entity === "vdag" ? "vDAG" : entity, id, "id");
  if (clusterId === null)
    throw UserError.field(
      "id",
      `${entity} ${id} is on no cluster: store "cluster" reads one cluster's nodes`,
    );
  return clusterId;
}

/** The map's value for `key`, made first when it has none. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

export interface ClusterAnswers {
  answers: TMetricsLocalAnswer[];
  /** Nodes of the cluster whose samples are missing: lost, or silent past the deadline, or failing. */
  missingNodes: string[];
  /** Some node kept back points past its answer's cap. */
  truncated: boolean;
}

const requestId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Asks every live node of the cluster for its local samples matching `request`, in parallel. */
export async function askClusterNodes(
  db: Db,
  queues: ClusterQueues,
  clusterId: string,
  request: Omit<TMetricsLocalRequest, "limit"> & { limit?: number },
  deadlineMs = CLUSTER_STORE_DEADLINE_MS,
): Promise<ClusterAnswers> {
  const cluster = await db.cluster.findUnique({
    where: { id: clusterId },
    select: { nodes: { select: { id: true, status: true }, orderBy: { id: "asc" } } },
  });
  if (!cluster) throw new NotFoundError("cluster", clusterId, "clusterId");
  const asked = cluster.nodes.filter((n) => ASKED_STATUSES.includes(n.status));
  const missingNodes = cluster.nodes.filter((n) => !ASKED_STATUSES.includes(n.status)).map((n) => n.id);
  const job = {
    ...request,
    limit: request.limit ?? MAX_LOCAL_METRICS_POINTS,
    type: "metrics.local" as const,
    answerBy: Date.now() + deadlineMs,
  };
  const settled = await Promise.all(
    asked.map(async (n) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((r) => {
        timer = setTimeout(() => r(null), deadlineMs);
      });
      const answer = queues
        .ask({ clusterId, nodeId: n.id }, { ...job, requestId: `${n.id}-${requestId()}` }, deadlineMs, {
          forget: true,
        })
        .then((raw) => ZMetricsLocalAnswer.safeParse(raw).data ?? null)
        .catch(() => null);
      try {
        return { nodeId: n.id, answer: await Promise.race([answer, late]) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const answers: TMetricsLocalAnswer[] = [];
  for (const s of settled) {
    if (s.answer) answers.push(s.answer);
    else missingNodes.push(s.nodeId);
  }
  return { answers, missingNodes: missingNodes.sort(), truncated: answers.some((a) => a.truncated) };
}

/**
 * The nodes' answers as the global store's sample readers: the newest sample of each name per
 * entity (over every node that has the series), and the ids under a prefix.
 */
export function localSampleSource(answers: readonly TMetricsLocalAnswer[]) {
  const newest = new Map<string, Map<string, Map<string, LatestSample>>>();
  for (const a of answers)
    for (const s of a.series) {
      const at = s.ts.length - 1;
      if (at < 0) continue;
      const ts = s.ts[at] as number;
      const ofEntity = entry(
        entry(newest, s.entityType, () => new Map()),
        s.entityId,
        () => new Map(),
      );
      const seen = ofEntity.get(s.name);
      if (!seen || seen.ts.getTime() < ts)
        ofEntity.set(s.name, {
          entity_id: s.entityId,
          name: s.name,
          value: s.values[at] as number,
          ts: new Date(ts),
        });
    }
  return {
    latest: async (entityType: string, ids: readonly string[]): Promise<LatestSample[]> =>
      ids.flatMap((id) => [...(newest.get(entityType)?.get(id)?.values() ?? [])]),
    prefixed: async (entityType: string, parents: readonly string[], cap: number): Promise<string[]> =>
      [...(newest.get(entityType)?.keys() ?? [])]
        .filter((id) => parents.some((p) => id.startsWith(`${p}/`)))
        .sort()
        .slice(0, cap),
  };
}

/** The entity types (and ids: `<id>/` their children's) a current-documents query reads of the nodes. */
export function localRequestOf(entity: TMetricEntity, ids?: readonly string[]) {
  const withChildren = ids ? [...ids, ...ids.map((id) => `${id}/`)] : undefined;
  const of = (entityTypes: TSampleEntityType[], entityIds?: readonly string[]) => ({
    entityTypes,
    ...(entityIds ? { entityIds: [...entityIds] } : {}),
    latest: true,
  });
  switch (entity) {
    case "cluster":
      return of(["node"]);
    case "node":
      return of(["node"], ids);
    case "block":
      return of(["block", "instance"], withChildren);
    case "instance":
      return of(["instance"], ids);
    default:
      return of(["vdag", "vdag-node"], withChildren);
  }
}

type Accumulator = { sum: number; min: number; max: number; count: number; last: number; lastAt: number };

const AGG: Record<TSeriesAgg, (a: Accumulator) => number> = {
  avg: (a) => a.sum / a.count,
  min: (a) => a.min,
  max: (a) => a.max,
  sum: (a) => a.sum,
  count: (a) => a.count,
  last: (a) => a.last,
};

/**
 * The nodes' points of the listed entities and names in [from, to), aggregated per bucket of
 * `stepSeconds` from `from`, as the global store's SQL does (`date_bin`): ordered by name, then
 * bucket; at most `cap` points.
 */
export function bucketLocalSeries(
  answers: readonly TMetricsLocalAnswer[],
  q: SeriesPointsQuery,
): Array<{ name: string; bucket: Date; value: number }> {
  const [from, to, step] = [q.from.getTime(), q.to.getTime(), q.stepSeconds * 1000];
  const ids = new Set(q.entityIds);
  const names = new Set(q.names);
  const buckets = new Map<string, Map<number, Accumulator>>();
  for (const a of answers)
    for (const s of a.series) {
      if (s.entityType !== q.entityType || !ids.has(s.entityId) || !names.has(s.name)) continue;
      const ofName = entry(buckets, s.name, () => new Map());
      for (let i = 0; i < s.ts.length; i++) {
        const ts = s.ts[i] as number;
        const value = s.values[i] as number;
        if (ts < from || ts >= to) continue;
        const bucket = from + Math.floor((ts - from) / step) * step;
        const acc = ofName.get(bucket);
        if (!acc) {
          ofName.set(bucket, { sum: value, min: value, max: value, count: 1, last: value, lastAt: ts });
          continue;
        }
        acc.sum += value;
        acc.min = Math.min(acc.min, value);
        acc.max = Math.max(acc.max, value);
        acc.count++;
        if (ts >= acc.lastAt) [acc.last, acc.lastAt] = [value, ts];
      }
    }
  const points: Array<{ name: string; bucket: Date; value: number }> = [];
  for (const name of [...buckets.keys()].sort()) {
    const ofName = buckets.get(name) as Map<number, Accumulator>;
    for (const bucket of [...ofName.keys()].sort((x, y) => x - y)) {
      if (points.length === q.cap) return points;
      points.push({ name, bucket: new Date(bucket), value: AGG[q.agg](ofName.get(bucket) as Accumulator) });
    }
  }
  return points;
}
