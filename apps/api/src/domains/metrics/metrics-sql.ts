import type { TSeriesAgg } from "@aios/contracts";
import type { Sql } from "@aios/db";

/*
 * The statements of the metrics query API over `metric_samples` and the registries. Every one is
 * bounded (a LIMIT, or index probes per listed id) and reads through the index
 * (entity_type, entity_id, name, ts), never a whole table. Texts are constants (prepared once per
 * connection); values are parameters. Ranges on entity_id rely on the database's C collation
 * (packages/db's initdb), under which `<prefix>/...` sorts between `<prefix>/` and `<prefix>0`.
 */

export interface LatestSample {
  entity_id: string;
  name: string;
  value: number;
  ts: Date;
}

/** Metric names read per entity at most (a node with 64 GPUs has about 130). */
export const MAX_NAMES_PER_ENTITY = 300;

/**
 * The newest sample of each name of each listed entity: a loose index scan (one probe per distinct
 * name, recursively), then one probe for the newest sample of each name.
 */
const LATEST = `
WITH RECURSIVE names AS (
  SELECT e.id AS entity_id, f.name
  FROM unnest($2::text[]) AS e(id)
  CROSS JOIN LATERAL (
    SELECT name FROM metric_samples WHERE entity_type = $1 AND entity_id = e.id ORDER BY name LIMIT 1
  ) f
  UNION ALL
  SELECT n.entity_id, f.name
  FROM names n
  CROSS JOIN LATERAL (
    SELECT name FROM metric_samples
    WHERE entity_type = $1 AND entity_id = n.entity_id AND name > n.name ORDER BY name LIMIT 1
  ) f
)
SELECT n.entity_id, n.name, s.value, s.ts
FROM (SELECT entity_id, name FROM names LIMIT $3) n
CROSS JOIN LATERAL (
  SELECT value, ts FROM metric_samples
  WHERE entity_type = $1 AND entity_id = n.entity_id AND name = n.name ORDER BY ts DESC LIMIT 1
) s`;

export async function latestSamples(sql: Sql, entityType: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return sql.query<LatestSample>(LATEST, [entityType, ids, ids.length * MAX_NAMES_PER_ENTITY]);
}

/** The distinct entity ids of a type under each prefix `<p>/` (a loose index scan; at most `cap`). */
const PREFIXED = `
WITH RECURSIVE ids AS (
  SELECT p.hi, f.entity_id
  FROM unnest($2::text[], $3::text[]) AS p(lo, hi)
  CROSS JOIN LATERAL (
    SELECT entity_id FROM metric_samples
    WHERE entity_type = $1 AND entity_id >= p.lo AND entity_id < p.hi ORDER BY entity_id LIMIT 1
  ) f
  UNION ALL
  SELECT i.hi, f.entity_id
  FROM ids i
  CROSS JOIN LATERAL (
    SELECT entity_id FROM metric_samples
    WHERE entity_type = $1 AND entity_id > i.entity_id AND entity_id < i.hi ORDER BY entity_id LIMIT 1
  ) f
)
SELECT entity_id FROM ids LIMIT $4`;

export async function prefixedEntityIds(
  sql: Sql,
  entityType: string,
  parents: readonly string[],
  cap: number,
) {
  if (parents.length === 0) return [];
  const rows = await sql.query<{ entity_id: string }>(PREFIXED, [
    entityType,
    parents.map((p) => `${p}/`),
    parents.map((p) => `${p}0`),
    cap,
  ]);
  return rows.map((r) => r.entity_id);
}

export interface NodeRow {
  id: string;
  cluster_id: string;
  status: string;
  vcpus: number;
  memory_mb: number;
  storage_mb: number | null;
  gpus: Array<{
    index: number;
    modelName: string;
    memoryMb: number;
    utilizationPct: number | null;
    memoryUsedMb: number | null;
  }>;
}

const NODE_COLUMNS = `
  n.id, n.cluster_id, n.status, n.vcpus, n.memory_mb, n.storage_mb,
  COALESCE((
    SELECT json_agg(json_build_object('index', g.index, 'modelName', g.model_name, 'memoryMb', g.memory_mb,
      'utilizationPct', g.utilization_pct, 'memoryUsedMb', g.memory_used_mb) ORDER BY g.index)
    FROM gpus g WHERE g.node_id = n.id
  ), '[]'::json) AS gpus`;

/** A page of nodes by id (after `$4`), optionally of one cluster and among listed ids. */
const NODES_PAGE = `
SELECT ${NODE_COLUMNS} FROM nodes n
WHERE ($1::text IS NULL OR n.cluster_id = $1) AND ($2::text[] IS NULL OR n.id = ANY($2))
  AND n.id > $4
ORDER BY n.id LIMIT $3`;

export const nodesPage = (sql: Sql, q: Page) =>
  sql.query<NodeRow>(NODES_PAGE, [q.clusterId, q.ids, q.take, q.after]);

/** The nodes of listed clusters (at most `$2`). */
const NODES_OF = `
SELECT ${NODE_COLUMNS} FROM nodes n WHERE n.cluster_id = ANY($1::text[])
ORDER BY n.cluster_id, n.id LIMIT $2`;

export const nodesOf = (sql: Sql, clusterIds: readonly string[], cap: number) =>
  sql.query<NodeRow>(NODES_OF, [clusterIds, cap]);

export interface Page {
  clusterId: string | null;
  ids: readonly string[] | null;
  take: number;
  /** Keyset: the last key of the previous page ("" before the first). */
  after: string;
}

const CLUSTERS_PAGE = `
SELECT id, status FROM clusters
WHERE ($1::text IS NULL OR id = $1) AND ($2::text[] IS NULL OR id = ANY($2)) AND id > $4
ORDER BY id LIMIT $3`;

export const clustersPage = (sql: Sql, q: Page) =>
  sql.query<{ id: string; status: string }>(CLUSTERS_PAGE, [q.clusterId, q.ids, q.take, q.after]);

export interface BlockRow {
  id: string;
  cluster_id: string | null;
  status: string;
}

const BLOCKS_PAGE = `
SELECT id, cluster_id, status FROM blocks
WHERE ($1::text IS NULL OR cluster_id = $1) AND ($2::text[] IS NULL OR id = ANY($2)) AND id > $4
ORDER BY id LIMIT $3`;

export const blocksPage = (sql: Sql, q: Page) =>
  sql.query<BlockRow>(BLOCKS_PAGE, [q.clusterId, q.ids, q.take, q.after]);

export interface InstanceRow {
  block_id: string;
  id: string;
  node_id: string | null;
  status: string;
  cluster_id: string | null;
}

/** Instances keyed `<blockId>/<id>`, in that order, after `$4` (the key of the previous page's last). */
const INSTANCES_PAGE = `
SELECT i.block_id, i.id, i.node_id, i.status, b.cluster_id
FROM instances i JOIN blocks b ON b.id = i.block_id
WHERE ($1::text IS NULL OR b.cluster_id = $1)
  AND ($2::text[] IS NULL OR i.block_id || '/' || i.id = ANY($2))
  AND (i.block_id, i.id) > ($4, $5)
ORDER BY i.block_id, i.id LIMIT $3`;

export function instancesPage(sql: Sql, q: Page) {
  const slash = q.after.indexOf("/");
  const [afterBlock, afterId] =
    slash < 0 ? [q.after, ""] : [q.after.slice(0, slash), q.after.slice(slash + 1)];
  return sql.query<InstanceRow>(INSTANCES_PAGE, [q.clusterId, q.ids, q.take, afterBlock, afterId]);
}

/** The instances of listed blocks (at most `$2`). */
const INSTANCES_OF = `
SELECT i.block_id, i.id, i.node_id, i.status, b.cluster_id
FROM instances i JOIN blocks b ON b.id = i.block_id
WHERE i.block_id = ANY($1::text[]) ORDER BY i.block_id, i.id LIMIT $2`;

export const instancesOf = (sql: Sql, blockIds: readonly string[], cap: number) =>
  sql.query<InstanceRow>(INSTANCES_OF, [blockIds, cap]);

/** vDAGs by URI with their first controller's cluster (a cluster filter: one of its controllers there). */
const VDAGS_PAGE = `
SELECT v.vdag_uri AS id, v.status,
  (SELECT c.cluster_id FROM vdag_controllers c WHERE c.vdag_uri = v.vdag_uri AND c.cluster_id IS NOT NULL
   ORDER BY c.created_at, c.id LIMIT 1) AS cluster_id
FROM vdags v
WHERE ($1::text IS NULL OR EXISTS (
    SELECT 1 FROM vdag_controllers c WHERE c.vdag_uri = v.vdag_uri AND c.cluster_id = $1))
  AND ($2::text[] IS NULL OR v.vdag_uri = ANY($2)) AND v.vdag_uri > $4
ORDER BY v.vdag_uri LIMIT $3`;

export const vdagsPage = (sql: Sql, q: Page) =>
  sql.query<{ id: string; status: string; cluster_id: string | null }>(VDAGS_PAGE, [
    q.clusterId,
    q.ids,
    q.take,
    q.after,
  ]);

const AGG_SQL: Record<TSeriesAgg, string> = {
  avg: "avg(value)",
  min: "min(value)",
  max: "max(value)",
  sum: "sum(value)",
  count: "count(*)::float8",
  last: "(array_agg(value ORDER BY ts DESC))[1]",
};

/** Samples of listed entities and names in [$3, $4), aggregated per bucket of $5 seconds from $3. */
const seriesText = (agg: TSeriesAgg) => `
SELECT name, date_bin(make_interval(secs => $5::float8), ts, $3::timestamptz) AS bucket, ${AGG_SQL[agg]} AS value
FROM metric_samples
WHERE entity_type = $1 AND entity_id = ANY($2::text[]) AND name = ANY($6::text[])
  AND ts >= $3::timestamptz AND ts < $4::timestamptz
GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $7`;
const SERIES = Object.fromEntries(
  Object.keys(AGG_SQL).map((agg) => [agg, seriesText(agg as TSeriesAgg)]),
) as Record<TSeriesAgg, string>;

/** The points of a series query: the listed entities' names in [from, to), per bucket of `stepSeconds` from `from`. */
export interface SeriesPointsQuery {
  entityType: string;
  entityIds: readonly string[];
  names: readonly string[];
  from: Date;
  to: Date;
  stepSeconds: number;
  agg: TSeriesAgg;
  cap: number;
}

export function seriesPoints(sql: Sql, q: SeriesPointsQuery) {
  return sql.query<{ name: string; bucket: Date; value: number }>(SERIES[q.agg], [
    q.entityType,
    q.entityIds,
    q.from,
    q.to,
    q.stepSeconds,
    q.names,
    q.cap,
  ]);
}

/** Sets the statement timeout of the current transaction (`SET LOCAL`, parameterised). */
export const setStatementTimeout = (sql: Sql, ms: number) =>
  sql.query("SELECT set_config('statement_timeout', $1, true)", [`${Math.round(ms)}ms`]);
