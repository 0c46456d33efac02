import type { EventEmitter } from "node:events";
import {
  newBlockId,
  type TAllocationDecision,
  type TBlockRecord,
  type TBlockSpec,
  type TFilterQuery,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Principal } from "../../auth/principal";
import { ConflictError, NotFoundError } from "../../errors";
import type { AllocatorService } from "../allocator/allocator.service";
import { assertClusterRunsComponent } from "../allocator/component-driver";
import type { PreCheckService } from "../gateway/pre-check.service";
import { clusterData, clusterMetrics } from "../gateway/pre-check-inputs";
import { asObject, sameDoc } from "../registry/doc";
import { inKeyOrder, type PageInput, searchKeys } from "../registry/search";
import { blockDocument } from "./block.document";
import type { BlockPlacement } from "./block-placement.service";
import { checkBlockPolicyValues } from "./block-policy-values";
import { publicBlockDoc, runtimeOf } from "./block-runtime-state";

type BlockRow = Prisma.BlockGetPayload<object>;

export function toBlockRecord(row: BlockRow): TBlockRecord {
  return {
    id: row.id,
    componentURI: row.componentURI,
    clusterId: row.clusterId,
    status: row.status,
    minInstances: row.minInstances,
    maxInstances: row.maxInstances,
    desiredInstances: row.desiredInstances,
    statusReason: runtimeOf(row.doc).statusReason ?? null,
    executorNodeId: row.executorNodeId,
    doc: publicBlockDoc(row.doc),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Where a vDAG controller goes when nothing names its cluster (blocks ask the Resource Allocator). */
export const DEFAULT_CLUSTER_ID = "local";

/** The decision reported for a block that was already stored with the same spec. */
function storedDecision(blockId: string, clusterId: string | null): TAllocationDecision {
  return {
    blockId,
    mode: "allocate",
    clusterId,
    chosenBy: null,
    policies: { clusterAllocator: null, resourceAllocator: null },
    candidates: [],
  };
}

export function createBlockService(
  db: Db,
  placement: BlockPlacement,
  preChecks: PreCheckService,
  allocator: AllocatorService,
  events?: EventEmitter,
) {
  return {
    async list(
      page: PageInput & { clusterId?: string | undefined; includeRemoved?: boolean | undefined } = {},
    ) {
      const rows = await db.block.findMany({
        where: {
          ...(page.clusterId ? { clusterId: page.clusterId } : {}),
          ...(page.includeRemoved ? {} : { status: { not: "removed" } }),
        },
        // Newest first, the id breaking ties so that pages neither repeat nor skip a row (an index's order).
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: page.limit ?? 100,
        skip: page.offset ?? 0,
      });
      return rows.map(toBlockRecord);
    },

    async get(id: string) {
      const row = await db.block.findUnique({ where: { id } });
      if (!row) throw new NotFoundError("block", id);
      return toBlockRecord(row);
    },

    async search(filter: TFilterQuery, page: PageInput = {}) {
      const keys = await searchKeys(db, "blocks", filter, page);
      const rows = await db.block.findMany({ where: { id: { in: keys } } });
      return inKeyOrder(keys, rows, (r) => r.id).map(toBlockRecord);
    },

    /**
     * `createBlock`: resolves the component, merges the component's defaults and policies into the
     * block, and asks the Resource Allocator for its cluster (`allocator/`). `dry_run` and
     * `select_clusters` return the allocator's decision without storing anything; `allocate` stores
     * the block as `pending` on the chosen cluster, after that cluster's add_block pre-check (else
     * the network's), and places its executor and instances on the cluster's nodes.
     */
    async createFromSpec(values: TBlockSpec, actor: Principal | null = null) {
      const component = await db.component.findUnique({ where: { componentURI: values.blockComponentURI } });
      if (!component) throw new NotFoundError("component", values.blockComponentURI, "blockComponentURI");
      const id = values.blockId ?? newBlockId();
      const merged = blockDocument(id, values, asObject(component.doc), values.clusterId ?? "");
      await checkBlockPolicyValues(db, values, asObject(merged.policies));
      const request = {
        blockId: id,
        values,
        doc: merged,
        componentDoc: component.doc,
        componentTags: component.tags,
      };
      if (values.mode !== "allocate") {
        const decision = await allocator.decide(request, values.mode);
        return { created: false, dryRun: true, decision, block: null };
      }
      // The same spec again is a no-op: asked before allocating, since the block's own
      // reservation would count against its cluster.
      const existing = await db.block.findUnique({ where: { id } });
      if (existing && existing.status !== "removed") {
        if (sameDoc(asObject(existing.doc).spec, values)) {
          return {
            created: false,
            dryRun: false,
            decision: storedDecision(id, existing.clusterId),
            block: toBlockRecord(existing),
          };
        }
        throw new ConflictError(`block ${JSON.stringify(id)} already exists with a different spec`);
      }
      const decision = await allocator.choose(request);
      const { clusterId } = decision;
      await assertClusterRunsComponent(db, clusterId, component, "body.spec.values.blockComponentURI");
      const doc = { ...merged, cluster: { id: clusterId } };
      await preChecks.check(
        {
          action: "add_block",
          blockData: {
            ...doc,
            id,
            blockComponentURI: values.blockComponentURI,
            clusterId,
            minInstances: values.minInstances,
            maxInstances: values.maxInstances,
            tags: component.tags,
          },
          clusterData: await clusterData(db, clusterId),
          clusterMetrics: await clusterMetrics(db, clusterId),
          clusterBlocks: (
            await db.block.findMany({
              where: { clusterId, status: { not: "removed" } },
              select: { id: true },
              orderBy: { id: "asc" },
            })
          ).map((b) => b.id),
        },
        { clusterId, actor, target: id },
      );
      // Revisions go on across re-creation: job ids carry them, and finished jobs are retained.
      let revision = 1;
      if (existing) {
        // A removed block's id is free again; its row only kept the history (and its events).
        revision = runtimeOf(existing.doc).revision + 1;
        await db.block.delete({ where: { id } });
        await db.blockEvent.deleteMany({ where: { blockId: id } });
      }
      const created = await db.block.create({
        data: {
          id,
          componentURI: values.blockComponentURI,
          clusterId,
          status: "pending",
          minInstances: values.minInstances,
          maxInstances: values.maxInstances,
          desiredInstances: values.minInstances,
          tags: component.tags,
          doc: {
            ...doc,
            runtime: { revision, statusReason: "waiting for the cluster agent" },
          } as Prisma.InputJsonValue,
        },
      });
      try {
        // Its instances and executor get nodes now; each node's agent is told what to run.
        await placement.ensure(id);
      } catch (err) {
        await db.block.delete({ where: { id } }); // no block without the job that deploys it
        throw err;
      }
      events?.emit("status", {
        blockId: id,
        status: "pending",
        reason: "waiting for the cluster agent",
        at: new Date().toISOString(),
      });
      return {
        created: true,
        dryRun: false,
        decision,
        block: toBlockRecord(created),
      };
    },
  };
}

export type BlockService = ReturnType<typeof createBlockService>;
