import type { TNodeSpec } from "@aios/contracts";
import type { Prisma } from "@aios/db";

/** The typed columns (and GPU rows) of a node, derived from its stored document `nodeData`. */
export function nodeColumns(node: TNodeSpec) {
  const gpus = node.gpus?.gpus ?? [];
  return {
    id: node.id,
    status: "ready",
    vcpus: node.vcpus?.count ?? 0,
    memoryMb: Math.round(node.memory ?? 0),
    storageMb: storageMbOf(node.storage),
    tags: node.tags ?? [],
    doc: node as Prisma.InputJsonValue,
    gpus: {
      create: gpus.map((g, index) => ({
        index,
        modelName: g.modelName,
        memoryMb: Math.round(g.memory ?? 0),
      })),
    },
  } satisfies Omit<Prisma.NodeUncheckedCreateInput, "clusterId">;
}

function storageMbOf(storage: unknown): number | null {
  if (typeof storage === "number") return Math.round(storage);
  const size = (storage as { size?: unknown } | undefined)?.size;
  return typeof size === "number" ? Math.round(size) : null;
}
