import { type TGpuProcess, type TGpuRecord, type TGpuStatus, ZGpuProcess } from "@aios/contracts";
import type { Db, Gpu } from "@aios/db";

/** The metric names of a GPU's figures among its node's samples (`nodes.metricSeries`). */
export const gpuMetricName = (index: number, figure: "utilization" | "memoryUsedMb") =>
  `gpu.${index}.${figure}`;

/**
 * What a heartbeat says of the node's GPUs: each figure becomes a node metric sample
 * (`gpu.<i>.utilization`, `gpu.<i>.memoryUsedMb`) and the GPU rows keep the latest figures and
 * processes. GPUs the node did not register (it registers again when its GPUs change) get samples
 * only. One statement for the rows, in one transaction with the samples.
 */
export async function recordGpuStatus(db: Db, nodeId: string, gpus: readonly TGpuStatus[], at: Date) {
  if (gpus.length === 0) return;
  const samples = gpus.flatMap((g) =>
    (
      [
        ["utilization", g.utilizationPct],
        ["memoryUsedMb", g.memoryUsedMb],
      ] as const
    ).flatMap(([figure, value]) =>
      value === null
        ? []
        : [{ entityType: "node", entityId: nodeId, name: gpuMetricName(g.index, figure), value, ts: at }],
    ),
  );
  const rows = JSON.stringify(
    gpus.map((g) => ({ index: g.index, u: g.utilizationPct, m: g.memoryUsedMb, p: g.processes })),
  );
  await db.$transaction([
    db.metricSample.createMany({ data: samples }),
    db.$executeRaw`
      UPDATE "gpus" AS g
      SET "utilization_pct" = s.u, "memory_used_mb" = s.m, "processes" = s.p, "status_at" = ${at}
      FROM jsonb_to_recordset(${rows}::jsonb) AS s("index" int, u double precision, m double precision, p jsonb)
      WHERE g."node_id" = ${nodeId} AND g."index" = s."index"`,
  ]);
}

/** A GPU row as the node's records show it; `processes` is what a heartbeat stored (else none). */
export function toGpuRecord(row: Gpu): TGpuRecord {
  return {
    index: row.index,
    modelName: row.modelName,
    memoryMb: row.memoryMb,
    utilizationPct: row.utilizationPct,
    memoryUsedMb: row.memoryUsedMb,
    processes: gpuProcesses(row.processes),
    statusAt: row.statusAt?.toISOString() ?? null,
  };
}

function gpuProcesses(value: unknown): TGpuProcess[] {
  const parsed = ZGpuProcess.array().safeParse(value);
  return parsed.success ? parsed.data : [];
}
