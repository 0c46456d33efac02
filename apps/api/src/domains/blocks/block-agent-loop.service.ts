import type { EventEmitter } from "node:events";
import type { Db, Prisma } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";
import { policySource } from "../policies/policy-runtime.service";
import { asObject } from "../registry/doc";
import { type BlockStatusEvent, lockedBlock } from "./block-lifecycle.service";
import { type BlockRuntimeState, canMove, runtimeOf } from "./block-runtime-state";

/** The policies a block's processes run, by the block's policy names, with their code. */
const RUNTIME_POLICIES = [
  "loadBalancer",
  "autoscaler",
  "healthChecker",
  "pre_processing",
  "post_processing",
] as const;

export interface ReportedInstance {
  id: string;
  status: "starting" | "healthy" | "unhealthy" | "stopped" | "failed";
  endpoint: string | null;
  nodeId: string | null;
  gpus: number[];
}

const scoped = (clusterId: string | null, scope: string | null, id: string) =>
  assertClusterScope(scope, clusterId, `block ${id}`);

/**
 * The loop between a block and its cluster's agent: the agent reads the desired state, runs the
 * processes, and reports what runs (instances, init stages, the autoscaler's decisions). Status
 * moves only along allowed transitions, each with a reason, streamed as "status" events.
 */
export function createBlockAgentLoop(db: Db, events: EventEmitter) {
  const locked = <T>(
    id: string,
    change: (tx: Prisma.TransactionClient, r: Prisma.BlockGetPayload<object>) => Promise<T>,
  ) => lockedBlock(db, id, change);
  return {
    /** What the agent must run for a block; a removed or unknown block runs nothing. */
    async desired(id: string, scope: string | null) {
      const r = await db.block.findUnique({ where: { id }, include: { component: true } });
      if (!r) return { blockId: id, exists: false as const };
      scoped(r.clusterId, scope, id);
      const doc = asObject(r.doc);
      const policies: Record<
        string,
        { policyRuleURI: string; code: string; settings: object; parameters: object }
      > = {};
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
      const init = runtimeOf(r.doc).init ?? null;
      const installed = init?.mode === "install" && init.stage === "finish";
      return {
        blockId: id,
        exists: true as const,
        removing: r.status === "removing" || r.status === "removed",
        revision: runtimeOf(r.doc).revision,
        componentURI: r.componentURI,
        entry: typeof runtime.entry === "string" ? runtime.entry : null,
        /** The managed third-party system's init step, if the component has one. */
        initEntry:
          typeof asObject(runtime.init).entry === "string" ? (asObject(runtime.init).entry as string) : null,
        initState: init ? { mode: init.mode, stage: init.stage } : null,
        minInstances: r.minInstances,
        maxInstances: r.maxInstances,
        desiredInstances: r.desiredInstances,
        blockInitData: asObject(doc.blockInitData),
        initSettings: asObject(doc.initSettings),
        // What the install handed over (e.g. the system's URL) goes to every instance.
        parameters: { ...asObject(doc.parameters), ...(installed ? init.parameters : {}) },
        policies,
      };
    },

    async desiredForCluster(clusterId: string) {
      const rows = await db.block.findMany({
        where: { clusterId, status: { not: "removed" } },
        select: { id: true },
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

    /** The autoscaler decided a new count; it becomes the desired state (within bounds). */
    async autoscaled(id: string, instances: number, scope: string | null) {
      return locked(id, async (tx, r) => {
        if (r.status === "removed") throw new NotFoundError("block", id);
        scoped(r.clusterId, scope, id);
        const bounded = Math.max(r.minInstances, Math.min(r.maxInstances, instances));
        if (bounded === r.desiredInstances || r.status === "removing")
          return { desiredInstances: r.desiredInstances };
        await tx.block.update({ where: { id }, data: { desiredInstances: bounded } });
        return { desiredInstances: bounded };
      });
    },

    /** What runs now, from the agent: instances, the executor, and the status that follows. */
    async report(
      id: string,
      report: {
        executorEndpoint: string | null;
        executorDataToken?: string | null | undefined;
        instances: ReportedInstance[];
        failure?: string | undefined;
      },
      scope: string | null,
    ) {
      const outcome = await locked(id, async (tx, r) => {
        scoped(r.clusterId, scope, id);
        const live = report.instances.filter((i) => i.status !== "stopped");
        const healthy = live.filter((i) => i.status === "healthy").length;
        let status: string;
        let reason: string;
        if (r.status === "removing" || r.status === "removed") {
          status = live.length === 0 && !report.executorEndpoint ? "removed" : "removing";
          reason =
            status === "removed" ? "removed: every process stopped" : `stopping ${live.length} instance(s)`;
        } else if (report.failure) {
          status = "failed";
          reason = report.failure;
        } else if (healthy >= r.desiredInstances && report.executorEndpoint) {
          status = "running";
          reason = `${healthy} of ${r.desiredInstances} instance(s) healthy`;
        } else if (healthy > 0) {
          status = "degraded";
          reason = `${healthy} of ${r.desiredInstances} instance(s) healthy`;
        } else {
          status = "deploying";
          reason = `starting ${r.desiredInstances} instance(s)`;
        }
        if (!canMove(r.status, status)) status = r.status;
        const runtime: BlockRuntimeState = runtimeOf(r.doc);
        const history = runtime.history ?? [];
        if (status !== r.status) history.push({ status, reason, at: new Date().toISOString() });
        const doc = {
          ...asObject(r.doc),
          runtime: {
            ...runtime,
            statusReason: reason,
            executorEndpoint: report.executorEndpoint,
            executorDataToken: report.executorEndpoint ? (report.executorDataToken ?? null) : null,
            history: history.slice(-20),
          },
        };
        await tx.instance.deleteMany({ where: { blockId: id, id: { notIn: live.map((i) => i.id) } } });
        for (const i of live) {
          await tx.instance.upsert({
            where: { blockId_id: { blockId: id, id: i.id } },
            create: {
              id: i.id,
              blockId: id,
              status: i.status,
              endpoint: i.endpoint,
              nodeId: i.nodeId,
              gpus: i.gpus,
            },
            update: { status: i.status, endpoint: i.endpoint, nodeId: i.nodeId, gpus: i.gpus },
          });
        }
        await tx.block.update({
          where: { id },
          data: { status, doc: doc as unknown as Prisma.InputJsonValue },
        });
        return { status, reason, changed: status !== r.status };
      });
      const { status, reason } = outcome;
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
