import {
  DEFAULT_METRICS_ROWS,
  MAX_METRICS_POINTS,
  matchesMetricsFilter,
  type TMetricEntity,
  type TMetricStore,
  type TMetricsFilter,
  type TMetricsQueryResult,
  type TMetricsRow,
  type TMetricsSeriesResult,
  type TSampleEntityType,
  type TSeriesAgg,
} from "@aios/contracts";
import { type Db, type Sql, sqlOf } from "@aios/db";
import { NotFoundError } from "../../errors";
import type { ClusterQueues } from "../queues/cluster-queues";
import {
  askClusterNodes,
  bucketLocalSeries,
  clusterInScope,
  clusterOfSeries,
  localRequestOf,
  localSampleSource,
  nodesDeadlineMs,
} from "./cluster-store";
import {
  type Built,
  blockDocument,
  byEntity,
  clusterDocument,
  instanceDocument,
  nodeDocument,
  vdagDocument,
} from "./metrics-documents";
import {
  blocksPage,
  clustersPage,
  instancesOf,
  instancesPage,
  type LatestSample,
  latestSamples,
  nodesOf,
  nodesPage,
  type Page,
  prefixedEntityIds,
  seriesPoints,
  setStatementTimeout,
  vdagsPage,
} from "./metrics-sql";

/** Each statement's time limit unless the caller gives one (SET LOCAL statement_timeout). */
export const DEFAULT_METRICS_TIMEOUT_MS = 2000;
/** Entities one query examines at most (their documents built and filtered) before it stops. */
export const MAX_SCANNED_ENTITIES = 2000;
/** Nodes read for one page of clusters, instances for one page of blocks, plan nodes per page of vDAGs. */
const MAX_CHILDREN_PER_PAGE = 5000;
/** Entities per page: clusters carry their nodes, so fewer of them at a time. */
const PAGE_SIZE: Record<TMetricEntity, number> = {
  cluster: 20,
  node: 200,
  block: 100,
  instance: 200,
  vdag: 100,
};
const SERIES_CLUSTER_NODES = 1000;

export interface MetricsQueryInput {
  entity: TMetricEntity;
  /** "global" (default): `metric_samples`; "cluster": one cluster's nodes' local stores. */
  store?: TMetricStore | undefined;
  filter?: TMetricsFilter | undefined;
  clusterId?: string | undefined;
  ids?: string[] | undefined;
  limit?: number | undefined;
}

export interface MetricsSeriesInput {
  entity: TMetricEntity;
  store?: TMetricStore | undefined;
  id: string;
  names: string[];
  lastSeconds: number;
  stepSeconds?: number | undefined;
  agg: TSeriesAgg;
}

type Row = Built & { id: string; clusterId: string | null };

/** Where the documents' samples come from: the global store's SQL, or the nodes' answers (cluster-store.ts). */
interface SampleSource {
  latest(entityType: string, ids: readonly string[]): Promise<LatestSample[]>;
  prefixed(entityType: string, parents: readonly string[], cap: number): Promise<string[]>;
}

const globalSamples = (sql: Sql): SampleSource => ({
  latest: (type, ids) => latestSamples(sql, type, ids),
  prefixed: (type, parents, cap) => prefixedEntityIds(sql, type, parents, cap),
});

/** One page of an entity's documents, in key order, and the key to continue after. */
type Pager = (
  sql: Sql,
  page: Page,
  samples: SampleSource,
) => Promise<{ rows: Row[]; last: string | null; full: boolean }>;

const done = <T>(rows: T[], page: Page) => ({ full: rows.length === page.take });

async function nodeDocs(source: SampleSource, rows: Awaited<ReturnType<typeof nodesPage>>) {
  const samples = byEntity(
    await source.latest(
      "node",
      rows.map((r) => r.id),
    ),
  );
  return rows.map((r) => ({ row: r, built: nodeDocument(r, samples.get(r.id)) }));
}

const PAGERS: Record<TMetricEntity, Pager> = {
  async node(sql, page, source) {
    const rows = await nodesPage(sql, page);
    const docs = await nodeDocs(source, rows);
    return {
      rows: docs.map(({ row, built }) => ({ ...built, id: row.id, clusterId: row.cluster_id })),
      last: rows.at(-1)?.id ?? null,
      ...done(rows, page),
    };
  },
  async cluster(sql, page, source) {
    const clusters = await clustersPage(sql, page);
    const nodes = await nodeDocs(
      source,
      await nodesOf(
        sql,
        clusters.map((c) => c.id),
        MAX_CHILDREN_PER_PAGE,
      ),
    );
    return {
      rows: clusters.map((c) => ({
        ...clusterDocument(
          c,
          nodes.filter((n) => n.row.cluster_id === c.id).map((n) => n.built),
        ),
        id: c.id,
        clusterId: c.id,
      })),
      last: clusters.at(-1)?.id ?? null,
      ...done(clusters, page),
    };
  },
  async block(sql, page, source) {
    const blocks = await blocksPage(sql, page);
    const ids = blocks.map((b) => b.id);
    const instances = await instancesOf(sql, ids, MAX_CHILDREN_PER_PAGE);
    const keys = instances.map((i) => `${i.block_id}/${i.id}`);
    const [own, theirs] = [
      byEntity(await source.latest("block", ids)),
      byEntity(await source.latest("instance", keys)),
    ];
    return {
      rows: blocks.map((b) => {
        const mine = instances
          .filter((i) => i.block_id === b.id)
          .map((i) => instanceDocument(i, theirs.get(`${i.block_id}/${i.id}`)));
        return { ...blockDocument(b, own.get(b.id), mine), id: b.id, clusterId: b.cluster_id };
      }),
      last: blocks.at(-1)?.id ?? null,
      ...done(blocks, page),
    };
  },
  async instance(sql, page, source) {
    const rows = await instancesPage(sql, page);
    const keys = rows.map((i) => `${i.block_id}/${i.id}`);
    const samples = byEntity(await source.latest("instance", keys));
    return {
      rows: rows.map((r, n) => ({
        ...instanceDocument(r, samples.get(keys[n] as string)),
        id: keys[n] as string,
        clusterId: r.cluster_id,
      })),
      last: keys.at(-1) ?? null,
      ...done(rows, page),
    };
  },
  async vdag(sql, page, source) {
    const vdags = await vdagsPage(sql, page);
    const uris = vdags.map((v) => v.id);
    const own = byEntity(await source.latest("vdag", uris));
    const nodeIds = await source.prefixed("vdag-node", uris, MAX_CHILDREN_PER_PAGE);
    const nodes = byEntity(await source.latest("vdag-node", nodeIds));
    return {
      rows: vdags.map((v) => ({
        ...vdagDocument(v, own.get(v.id), nodes),
        id: v.id,
        clusterId: v.cluster_id,
      })),
      last: vdags.at(-1)?.id ?? null,
      ...done(vdags, page),
    };
  },
};

const toRow = (entity: TMetricEntity, r: Row): TMetricsRow => ({
  entity,
  id: r.id,
  clusterId: r.clusterId,
  at: r.at?.toISOString() ?? null,
  metrics: r.doc,
});

/** The series' samples are of which entity type and ids (a cluster's are its nodes'). */
async function seriesEntities(sql: Sql, q: MetricsSeriesInput): Promise<{ type: string; ids: string[] }> {
  const one = { clusterId: null, ids: [q.id], take: 1, after: "" };
  const exists = async (rows: Promise<unknown[]>, what: string) => {
    if ((await rows).length === 0) throw new NotFoundError(what, q.id, "id");
  };
  switch (q.entity) {
    case "cluster": {
      await exists(clustersPage(sql, one), "cluster");
      const nodes = await nodesOf(sql, [q.id], SERIES_CLUSTER_NODES);
      return { type: "node", ids: nodes.map((n) => n.id) };
    }
    case "node":
      await exists(nodesPage(sql, one), "node");
      return { type: "node", ids: [q.id] };
    case "block":
      await exists(blocksPage(sql, one), "block");
      return { type: "block", ids: [q.id] };
    case "instance":
      // An instance's samples outlive its row (a replaced instance's history): its block must exist.
      await exists(blocksPage(sql, { ...one, ids: [q.id.split("/")[0] as string] }), "instance's block");
      return { type: "instance", ids: [q.id] };
    default:
      await exists(vdagsPage(sql, one), "vDAG");
      return { type: "vdag", ids: [q.id] };
  }
}

/**
 * The metrics query API: `current` documents of an entity filtered with the metrics filter
 * language, `series` of one entity bucketed. The global store (default) is read in SQL, each
 * call one transaction whose statements time out (default DEFAULT_METRICS_TIMEOUT_MS each); the
 * cluster store (`store: "cluster"`, with `queues`) from one cluster's nodes (cluster-store.ts), the
 * registries still read in SQL, the series bucketed here as the SQL would.
 */
export function createMetricsQuery(db: Db, queues?: ClusterQueues) {
  const pool = sqlOf(db);
  const run = <T>(timeoutMs: number, work: (sql: Sql) => Promise<T>) =>
    pool.transaction(
      async (sql) => {
        await setStatementTimeout(sql, timeoutMs);
        return work(sql);
      },
      { timeoutMs: timeoutMs * 5 + 1000 },
    );
  const nodeQueues = () => {
    if (!queues) throw new Error("the cluster metrics store needs the control queues (createMetricsQuery)");
    return queues;
  };

  /** The documents of `q` over one source of samples, paged through the registries. */
  const documents = (q: MetricsQueryInput, timeoutMs: number, source: (sql: Sql) => SampleSource) => {
    const limit = q.limit ?? DEFAULT_METRICS_ROWS;
    const pager = PAGERS[q.entity];
    return run(timeoutMs, async (sql): Promise<{ rows: TMetricsRow[]; truncated: boolean }> => {
      const samples = source(sql);
      const rows: TMetricsRow[] = [];
      let after = "";
      let scanned = 0;
      for (;;) {
        const take = Math.min(PAGE_SIZE[q.entity], MAX_SCANNED_ENTITIES - scanned);
        const page = await pager(
          sql,
          { clusterId: q.clusterId ?? null, ids: q.ids ?? null, take, after },
          samples,
        );
        scanned += page.rows.length;
        for (const r of page.rows) {
          if (q.filter && !matchesMetricsFilter(r.doc, q.filter)) continue;
          if (rows.length === limit) return { rows, truncated: true };
          rows.push(toRow(q.entity, r));
        }
        if (!page.full || page.last === null) return { rows, truncated: false };
        if (scanned >= MAX_SCANNED_ENTITIES) return { rows, truncated: true };
        after = page.last;
      }
    });
  };

  return {
    /**
     * Entities' current documents, in key order, that match `filter`: at most `limit` rows;
     * `truncated` when more may match (more did, or MAX_SCANNED_ENTITIES were examined first). With
     * `store: "cluster"`, of one cluster, the samples its live nodes answer (`missingNodes` the others).
     */
    async current(q: MetricsQueryInput, opts: { timeoutMs?: number } = {}): Promise<TMetricsQueryResult> {
      const timeoutMs = opts.timeoutMs ?? DEFAULT_METRICS_TIMEOUT_MS;
      if (q.store !== "cluster") {
        return { ...(await documents(q, timeoutMs, globalSamples)), store: "global" };
      }
      const clusterId = clusterInScope(q);
      const asked = await askClusterNodes(
        db,
        nodeQueues(),
        clusterId,
        localRequestOf(q.entity, q.ids),
        nodesDeadlineMs(opts.timeoutMs),
      );
      const local = localSampleSource(asked.answers);
      const found = await documents({ ...q, clusterId }, timeoutMs, () => local);
      return {
        rows: found.rows,
        truncated: found.truncated || asked.truncated,
        store: "cluster",
        missingNodes: asked.missingNodes,
      };
    },

    /**
     * One entity's samples of `names` over the last `lastSeconds`, per bucket, oldest first per name.
     * With `store: "cluster"`, the points its cluster's live nodes keep (`missingNodes` the others).
     */
    async series(q: MetricsSeriesInput, opts: { timeoutMs?: number } = {}): Promise<TMetricsSeriesResult> {
      const timeoutMs = opts.timeoutMs ?? DEFAULT_METRICS_TIMEOUT_MS;
      const to = new Date();
      const from = new Date(to.getTime() - q.lastSeconds * 1000);
      const windowOf = ({ type, ids }: { type: string; ids: string[] }) => ({
        entityType: type,
        entityIds: ids,
        names: q.names,
        from,
        to,
        stepSeconds: q.stepSeconds ?? q.lastSeconds,
        agg: q.agg,
        cap: MAX_METRICS_POINTS + 1,
      });
      const answer = (rows: Array<{ name: string; bucket: Date; value: number }>) => ({
        points: rows
          .slice(0, MAX_METRICS_POINTS)
          .map((r) => ({ name: r.name, ts: r.bucket.toISOString(), value: Number(r.value) })),
        truncated: rows.length > MAX_METRICS_POINTS,
      });
      if (q.store !== "cluster") {
        const rows = await run(timeoutMs, async (sql) =>
          seriesPoints(sql, windowOf(await seriesEntities(sql, q))),
        );
        return { ...answer(rows), store: "global" };
      }
      const window = windowOf(await run(timeoutMs, (sql) => seriesEntities(sql, q)));
      const clusterId = await clusterOfSeries(db, q.entity, q.id);
      const asked = await askClusterNodes(
        db,
        nodeQueues(),
        clusterId,
        {
          entityTypes: [window.entityType as TSampleEntityType],
          // A cluster's series are its nodes' (each node keeps its own): no list of them all.
          ...(q.entity === "cluster" ? {} : { entityIds: window.entityIds }),
          names: q.names,
          since: from.getTime(),
        },
        nodesDeadlineMs(opts.timeoutMs),
      );
      const found = answer(bucketLocalSeries(asked.answers, window));
      return {
        points: found.points,
        truncated: found.truncated || asked.truncated,
        store: "cluster",
        missingNodes: asked.missingNodes,
      };
    },
  };
}

export type MetricsQuery = ReturnType<typeof createMetricsQuery>;
