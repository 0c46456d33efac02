import type { EventEmitter } from "node:events";
import type { TDesiredBlock } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";
import type { WorkloadTargets } from "../../workload-targets";
import { gpuList } from "../allocator/placement-context";
import type { ContainerRegistryService } from "../container-registries/container-registry.service";
import { revokeMetricsKeysOf } from "../metrics/metrics-keys";
import { policySource } from "../policies/policy-runtime.service";
import { asObject } from "../registry/doc";
import { type Happened, type PlatformBlockEvent, scaledEvent } from "./block-events.service";
import type { BlockStatusEvent } from "./block-lifecycle.service";
import { lockedBlock } from "./block-lock";
import type { BlockPlacement } from "./block-placement.service";
import { statusOfReport } from "./block-report-status";
import { type BlockRuntimeState, runtimeOf } from "./block-runtime-state";
import { assetOf, companionsOf } from "./component-runtime";

/** The policies a block's processes run, by the block's policy names, with their code. */
const RUNTIME_POLICIES = [
  "loadBalancer",
  "autoscaler",
  "healthChecker",
  "pre_processing",
  "post_processing",
] as const;

/** One instance as the agent of its node runs it. */
export interface ReportedInstance {
  id: string;
  /** Where it listens (null: not listening, e.g. it just crashed). */
  endpoint: string | null;
  /** Its data token, for the block's executor (which may run on another node). */
  dataToken?: string | null | undefined;
}

/** What one node's agent runs of a block, and (from the executor's node) the executor's view. */
export interface BlockReport {
  nodeId: string;
  /** The executor, when this node runs it. */
  executorEndpoint: string | null;
  executorDataToken?: string | null | undefined;
  instances: ReportedInstance[];
  /**
   * The executor's health checker's verdicts (from the executor's node only), each about the
   * endpoint it checked: one about an instance's old endpoint (it was restarted since) is ignored.
   */
  health?: Array<{ id: string; endpoint: string; state: "healthy" | "unhealthy" | "starting" }> | undefined;
  failure?: string | undefined;
  /** Instances of the node that ended since its last report, and how. */
  ended?: Array<{ id: string; reason: string }> | undefined;
}

const nonEmpty = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** A component's `resources.memoryMb` (checked at registration), or null. */
const memoryOf = (v: unknown): number | null => {
  const m = asObject(v).memoryMb;
  return typeof m === "number" && m > 0 ? m : null;
};

const scoped = (clusterId: string | null, scope: string | null, id: string) =>
  assertClusterScope(scope, clusterId, `block ${id}`);

/**
 * The loop between a block and its cluster's agent: the agent reads the desired state, runs the
 * processes, and reports what runs (instances, init stages, the autoscaler's decisions). Status
 * moves only along allowed transitions, each with a reason, streamed as "status" events.
 */
export function createBlockAgentLoop(
  db: Db,
  events: EventEmitter,
  placement: BlockPlacement,
  registries: Pick<ContainerRegistryService, "imagePull">,
  /** Where the API calls workloads: an executor reported elsewhere fails its block, saying why. */
  workloads?: Pick<WorkloadTargets, "refusal">,
  /**
   * Told after a report changed where the block's executor listens or the token it takes (or the
   * block is gone): the vDAG controllers over the block follow it (`vdags/executor-followers.ts`).
   */
  executorChanged?: (blockId: string) => Promise<void>,
) {
  const imagePullOf = async (id: unknown) => {
    const named = nonEmpty(id);
    return named ? await registries.imagePull(named) : null;
  };
  /** Platform block events, told after the change committed (block-events.service.ts stores them). */
  const happened = (blockId: string, seen: Happened[]) => {
    for (const e of seen) events.emit("blockEvent", { blockId, ...e } satisfies PlatformBlockEvent);
  };
  const locked = <T>(
    id: string,
    change: (tx: Prisma.TransactionClient, r: Prisma.BlockGetPayload<object>) => Promise<T>,
  ) => lockedBlock(db, id, change);
  return {
    /**
     * What the agent of `nodeId` must run for a block: its executor when placed there (with every
     * instance of the block that listens, wherever it runs), and the instances placed on the node,
     * each with its GPUs. A removed or unknown block runs nothing.
     */
    async desired(id: string, nodeId: string, scope: string | null): Promise<TDesiredBlock> {
      const r = await db.block.findUnique({ where: { id }, include: { component: true } });
      if (!r) return { blockId: id, exists: false as const };
      scoped(r.clusterId, scope, id);
      const placed = await db.instance.findMany({ where: { blockId: id }, orderBy: { createdAt: "asc" } });
      const executorHere = r.executorNodeId === nodeId;
      const doc = asObject(r.doc);
      const policies: Extract<TDesiredBlock, { exists: true }>["policies"] = {};
      for (const name of RUNTIME_POLICIES) {
        const ref = asObject(asObject(doc.policies)[name]);
        if (typeof ref.policyRuleURI !== "string") continue;
        const source = await policySource(db, ref.policyRuleURI, `policies.${name}.policyRuleURI`);
        policies[name] = {
          policyRuleURI: ref.policyRuleURI,
          code: source.code,
          settings: { ...source.settings, ...asObject(ref.settings) },
          parameters: { ...source.parameters, ...asObject(ref.parameters) },
        };
      }
      const componentDoc = asObject(r.component.doc);
      const runtime = asObject(componentDoc.runtime);
      const container = asObject(componentDoc.containerRegistryInfo);
      const init = runtimeOf(r.doc).init ?? null;
      const installed = init?.mode === "install" && init.stage === "finish";
      return {
        blockId: id,
        exists: true as const,
        removing: r.status === "removing" || r.status === "removed",
        revision: runtimeOf(r.doc).revision,
        componentURI: r.componentURI,
        entry: typeof runtime.entry === "string" ? runtime.entry : null,
        asset: assetOf(runtime.asset),
        memoryMb: memoryOf(componentDoc.resources),
        image: nonEmpty(container.containerImage),
        imagePull: await imagePullOf(container.containerRegistryId),
        /** The managed third-party system's init step, if the component has one. */
        initEntry: nonEmpty(asObject(runtime.init).entry),
        ...companionsOf(runtime),
        initState: init ? { mode: init.mode, stage: init.stage } : null,
        minInstances: r.minInstances,
        maxInstances: r.maxInstances,
        desiredInstances: r.desiredInstances,
        blockInitData: asObject(doc.blockInitData),
        initSettings: asObject(doc.initSettings),
        // What the install handed over (e.g. the system's URL) goes to every instance.
        parameters: { ...asObject(doc.parameters), ...(installed ? init.parameters : {}) },
        policies,
        executorHere,
        /** The instances this node runs (not those being stopped), with their GPUs. */
        instances: placed
          .filter((i) => i.nodeId === nodeId && i.status !== "removing")
          .map((i) => ({ id: i.id, gpus: gpuList(i.gpus) })),
        /** For the executor: every instance of the block that listens, on whichever node. */
        peers: executorHere
          ? placed
              .filter((i) => i.endpoint && i.status !== "removing" && i.status !== "placed")
              .map((i) => ({
                id: i.id,
                nodeId: i.nodeId,
                endpoint: i.endpoint as string,
                ...(i.dataToken ? { dataToken: i.dataToken } : {}),
              }))
          : [],
      };
    },

    /**
     * The blocks with work on `nodeId` (its executor or instances, also ones being stopped). Blocks
     * of the cluster whose placement drifted from their desired state are placed first, so a node
     * that joins takes the work nobody could take before.
     */
    async desiredForNode(clusterId: string, nodeId: string) {
      for (const blockId of await placement.driftedIn(clusterId)) await placement.ensure(blockId);
      const rows = await db.block.findMany({
        where: {
          clusterId,
          status: { not: "removed" },
          OR: [{ executorNodeId: nodeId }, { instances: { some: { nodeId } } }],
        },
        select: { id: true },
        orderBy: { id: "asc" },
      });
      return rows.map((b) => b.id);
    },

    /** A stage of the block's init step (install or uninstall of its managed third-party system). */
    async initStage(
      id: string,
      report: {
        mode: "install" | "uninstall";
        stage: "begin" | "main" | "finish" | "failed";
        message?: string | undefined;
        parameters?: Record<string, unknown> | undefined;
      },
      scope: string | null,
    ) {
      return locked(id, async (tx, r) => {
        scoped(r.clusterId, scope, id);
        const runtime = runtimeOf(r.doc);
        const previous = runtime.init;
        const at = new Date().toISOString();
        const init = {
          mode: report.mode,
          stage: report.stage,
          parameters:
            report.stage === "finish" && report.mode === "install"
              ? (report.parameters ?? {})
              : (previous?.parameters ?? {}),
          stages: [
            ...(previous?.stages ?? []),
            {
              mode: report.mode,
              stage: report.stage,
              ...(report.message ? { message: report.message } : {}),
              at,
            },
          ].slice(-50),
        };
        const reason = `init step ${report.mode}: ${report.stage}${report.message ? ` (${report.message})` : ""}`;
        const doc = { ...asObject(r.doc), runtime: { ...runtime, init, statusReason: reason } };
        await tx.block.update({ where: { id }, data: { doc: doc as unknown as Prisma.InputJsonValue } });
        return { ok: true };
      });
    },

    /**
     * The executor's wishes, from the agent of its node: the autoscaler's new count (within bounds;
     * `remove` names the instances a scale-down stops) and the health checker's replacements. They
     * become the desired state and its placement; the nodes concerned are told.
     */
    async autoscaled(
      id: string,
      wish: { instances: number; remove?: string[] | undefined; replace?: string[] | undefined },
      scope: string | null,
    ) {
      let before: number | null = null;
      const resized = await placement.resize(
        id,
        (r) => {
          if (r.status === "removed") throw new NotFoundError("block", id);
          scoped(r.clusterId, scope, id);
          if (r.status === "removing") return null;
          before = r.desiredInstances;
          return Math.max(r.minInstances, Math.min(r.maxInstances, wish.instances));
        },
        {
          ...(wish.remove ? { victims: wish.remove } : {}),
          ...(wish.replace ? { replace: wish.replace } : {}),
        },
      );
      happened(id, scaledEvent(before, resized.desiredInstances, "autoscaler", wish.remove));
      if (before !== null && wish.replace?.length)
        happened(id, [
          { name: "instances_replaced", data: { instances: wish.replace, by: "health checker" } },
        ]);
      return resized;
    },

    /**
     * What runs on one node, from its agent: its instances' endpoints and data tokens (an instance
     * being stopped that is no longer reported is gone), and from the executor's node the executor
     * and its health checker's verdicts; then the block's status over all its nodes. An instance
     * the placement does not know (a returning node's stale one) is not taken: its agent stops it.
     */
    async report(id: string, report: BlockReport, scope: string | null) {
      const outcome = await locked(id, async (tx, r) => {
        scoped(r.clusterId, scope, id);
        const rows = await tx.instance.findMany({ where: { blockId: id } });
        // The block's instances as this report leaves them (kept here, not read again).
        const current = new Map(rows.map((i) => [i.id, { ...i }]));
        const reported = new Map(report.instances.map((i) => [i.id, i]));
        const fromExecutorNode = r.executorNodeId === report.nodeId;
        let newEndpoints = false;
        const seen: Happened[] = (report.ended ?? []).map((e) => ({
          name: "instance_crashed",
          instanceId: e.id,
          data: { nodeId: report.nodeId, reason: e.reason },
        }));
        for (const row of rows.filter((i) => i.nodeId === report.nodeId)) {
          const rep = reported.get(row.id);
          if (!rep) {
            if (row.status === "removing") {
              await tx.instance.delete({ where: { blockId_id: { blockId: id, id: row.id } } });
              current.delete(row.id);
            }
            continue;
          }
          if (row.status === "removing") continue;
          const moved = rep.endpoint !== row.endpoint;
          if (moved) newEndpoints = true;
          if (moved && rep.endpoint)
            seen.push({ name: "instance_started", instanceId: row.id, data: { nodeId: report.nodeId } });
          const status = row.status === "placed" || moved ? "starting" : row.status;
          if (moved || status !== row.status || (rep.dataToken ?? null) !== row.dataToken) {
            const data = { endpoint: rep.endpoint, dataToken: rep.dataToken ?? null, status };
            await tx.instance.update({ where: { blockId_id: { blockId: id, id: row.id } }, data });
            Object.assign(current.get(row.id) ?? {}, data);
          }
        }
        if (fromExecutorNode && report.health) {
          for (const verdict of report.health) {
            const row = current.get(verdict.id);
            if (!row || row.status === "removing" || row.status === "placed") continue;
            if (row.endpoint !== verdict.endpoint || row.status === verdict.state) continue;
            await tx.instance.update({
              where: { blockId_id: { blockId: id, id: row.id } },
              data: { status: verdict.state },
            });
            if (verdict.state !== "starting")
              seen.push({ name: `instance_${verdict.state}`, instanceId: row.id, data: { was: row.status } });
            row.status = verdict.state;
          }
        }
        const runtime: BlockRuntimeState = runtimeOf(r.doc);
        const executorEndpoint = fromExecutorNode
          ? report.executorEndpoint
          : (runtime.executorEndpoint ?? null);
        const executorDataToken = fromExecutorNode
          ? report.executorEndpoint
            ? (report.executorDataToken ?? null)
            : null
          : (runtime.executorDataToken ?? null);
        const after = [...current.values()];
        const live = after.filter((i) => i.status !== "removing");
        const { status, reason } = statusOfReport({
          was: r.status,
          desiredInstances: r.desiredInstances,
          instances: after.length,
          healthy: live.filter((i) => i.status === "healthy").length,
          executorEndpoint,
          executorRefused: executorEndpoint ? (workloads?.refusal(executorEndpoint) ?? null) : null,
          failure: report.failure,
          nodeId: report.nodeId,
          placementProblem: runtime.placementProblem ?? null,
        });
        const history = runtime.history ?? [];
        const at = new Date().toISOString();
        for (const e of report.ended ?? [])
          history.push({
            status: r.status,
            reason: `instance ${e.id} on node ${report.nodeId}: ${e.reason}`,
            at,
          });
        if (status !== r.status) history.push({ status, reason, at });
        const doc = {
          ...asObject(r.doc),
          runtime: {
            ...runtime,
            statusReason: reason,
            executorEndpoint,
            executorDataToken,
            history: history.slice(-20),
          },
        };
        await tx.block.update({
          where: { id },
          data: { status, doc: doc as unknown as Prisma.InputJsonValue },
        });
        // Its executor is gone: so is the key its autoscaler read the cluster's metrics with.
        if (status === "removed" && r.status !== "removed")
          await revokeMetricsKeysOf(tx, { kind: "block-executor", id });
        return {
          status,
          reason,
          changed: status !== r.status,
          executorChanged:
            executorEndpoint !== (runtime.executorEndpoint ?? null) ||
            executorDataToken !== (runtime.executorDataToken ?? null) ||
            (status === "removed") !== (r.status === "removed"),
          seen,
          // Another node's instance listens somewhere new: the executor's node must take it.
          tellExecutor:
            newEndpoints && !fromExecutorNode && r.executorNodeId && r.clusterId
              ? { clusterId: r.clusterId, nodeId: r.executorNodeId }
              : null,
        };
      });
      const { status, reason } = outcome;
      happened(id, outcome.seen);
      if (outcome.tellExecutor) {
        const t = outcome.tellExecutor;
        await placement.dispatchPeers(t.clusterId, id, t.nodeId);
      }
      if (outcome.executorChanged) await executorChanged?.(id);
      if (outcome.changed) {
        events.emit("status", {
          blockId: id,
          status,
          reason,
          at: new Date().toISOString(),
        } satisfies BlockStatusEvent);
      }
      return { status, reason };
    },
  };
}

export type BlockAgentLoop = ReturnType<typeof createBlockAgentLoop>;
