import type { TNodeGpuRecord } from "@aios/contracts";
import type { Db } from "@aios/db";
import { splitKey } from "../blocks/instance.registry";
import type { RowView } from "../registry/row-search";
import { rowRegistry } from "../registry/row-search";
import { toGpuRecord } from "./gpu-status";

/** Every node's GPUs, keyed `<nodeId>/<index>`; filterable by the node's cluster too. */
export const GPU_VIEW: RowView = {
  noun: "GPU",
  keyField: "key",
  from: `"gpus"`,
  key: `t."node_id" || '/' || t."index"`,
  orderBy: `t."node_id", t."index"`,
  fields: {
    key: { sql: `t."node_id" || '/' || t."index"` },
    nodeId: { sql: `t."node_id"` },
    clusterId: { sql: `(SELECT n."cluster_id" FROM "nodes" AS n WHERE n."id" = t."node_id")` },
    index: { sql: `t."index"` },
    modelName: { sql: `t."model_name"` },
    memoryMb: { sql: `t."memory_mb"` },
    utilizationPct: { sql: `t."utilization_pct"` },
    memoryUsedMb: { sql: `t."memory_used_mb"` },
  },
};

export const createGpuRegistry = (db: Db) =>
  rowRegistry(db, GPU_VIEW, async (keys) => {
    const ids = keys.flatMap((k) => {
      const parts = splitKey(k);
      return parts && /^\d+$/.test(parts[1]) ? [{ nodeId: parts[0], index: Number(parts[1]) }] : [];
    });
    if (ids.length === 0) return [];
    const rows = await db.gpu.findMany({
      where: { OR: ids },
      include: { node: { select: { clusterId: true } } },
    });
    return rows.map((row) => {
      const record: TNodeGpuRecord = {
        key: `${row.nodeId}/${row.index}`,
        nodeId: row.nodeId,
        clusterId: row.node.clusterId,
        ...toGpuRecord(row),
      };
      return { key: record.key, record };
    });
  });
