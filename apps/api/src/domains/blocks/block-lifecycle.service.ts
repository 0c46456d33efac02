import { EventEmitter } from "node:events";
import type { Db, Prisma } from "@aios/db";
import type { TInstanceRecord } from "@aios/spec";
import { ForbiddenError, NotFoundError, OperationalError, UserError } from "../../errors";
import { policySource } from "../policies/policy-runtime.service";
import type { ClusterQueues } from "../queues/cluster-queues";
import { asObject } from "../registry/doc";
import { type BlockRuntimeState, canMove, runtimeOf } from "./block-runtime-state";

type InstanceRow = Prisma.InstanceGetPayload<object>;
type BlockRow = Prisma.BlockGetPayload<object>;

export function toInstanceRecord(row: InstanceRow): TInstanceRecord {
  return {
    id: row.id,
    blockId: row.blockId,
    nodeId: row.nodeId,
    status: row.status,
    endpoint: row.endpoint,
    gpus: Array.isArray(row.gpus) ? (row.gpus as number[]) : [],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface ReportedInstance {
  id: string;
  status: "starting" | "healthy" | "unhealthy" | "stopped" | "failed";
  endpoint: string | null;
  nodeId: string | null;
  gpus: number[];
}

/** The policies a block's processes run, by the block's policy names, with their code. */
const RUNTIME_POLICIES = [
  "loadBalancer",
  "autoscaler",
  "healthChecker",
  "pre_processing",
  "post_processing",
] as const;

/**
 * A block's life after it was created: scaling, removal, and the loop with its cluster's agent
 * (the agent reads the desired state, runs processes, and reports what runs). Status moves only
 * along allowed transitions, each with a reason.
 */
export interface BlockStatusEvent {
  blockId: string;
  status: string;
  reason: string;
  at: string;
}

export function createBlockLifecycle(
  db: Db,
  queues: ClusterQueues,
  events: EventEmitter = new EventEmitter(),
) {
  const row = async (id: string) => {
    const r = await db.block.findUnique({ where: { id } });
    if (!r || r.status === "removed") throw new NotFoundError("block", id);
    return r;
  };
  /**
   * Runs `change` with the block's row locked (SELECT … FOR UPDATE), so that writers of one block
   * (the API's commands, the agent's reports, the autoscaler) never overwrite each other's fields.
   */
  const locked = <T>(id: string, change: (tx: Prisma.TransactionClient, r: BlockRow) => Promise<T>) =>
    db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM blocks WHERE id = ${id} FOR UPDATE`;
      const r = await tx.block.findUnique({ where: { id } });
      if (!r) throw new NotFoundError("block", id);
      return change(tx, r);
    });
  const bump = async (id: string, data: Prisma.BlockUpdateInput, reason: string) => {
    const { clusterId, revision, from } = await locked(id, async (tx, r) => {
      if (r.status === "removed") throw new NotFoundError("block", id);
      const runtime = runtimeOf(r.doc);
      const revision = runtime.revision + 1;
      const doc = { ...asObject(r.doc), runtime: { ...runtime, revision, statusReason: reason } };
      await tx.block.update({
        where: { id },
        data: { ...data, doc: doc as unknown as Prisma.InputJsonValue },
      });
      return { clusterId: r.clusterId, revision, from: r.status };
    });
    await queues.enqueue(clusterId ?? "local", { type: "block.reconcile", blockId: id, revision });
    if (typeof data.status === "string" && data.status !== from) {
      events.emit("status", {
        blockId: id,
        status: data.status,
        reason,
        at: new Date().toISOString(),
      } satisfies BlockStatusEvent);
    }
  };
  const scoped = (clusterId: string | null, scope: string | null, id: string) => {
    if (scope && clusterId !== scope)
      throw new ForbiddenError(`block ${id} runs on cluster ${clusterId}, not ${scope}`);
  };

  return {
    /** Status changes as they happen ("status" events of BlockStatusEvent), for live views. */
    events,

    async scale(id: string, instances: number) {
      const r = await row(id);
      if (instances < r.minInstances || instances > r.maxInstances) {
        throw UserError.field(
          "instances",
          `must be within minInstances..maxInstances (${r.minInstances}..${r.maxInstances})`,
        );
      }
      await bump(id, { desiredInstances: instances }, `scaled to ${instances} instance(s)`);
    },

    async remove(id: string) {
      await bump(id, { status: "removing", desiredInstances: 0 }, "removal requested");
    },

    async instances(id: string) {
      await row(id);
      const rows = await db.instance.findMany({ where: { blockId: id }, orderBy: { createdAt: "asc" } });
      return rows.map(toInstanceRecord);
    },

    /** The last lines of the block's executor, or of one instance, from the agent that runs it. */
    async logs(id: string, instanceId: string | undefined, limit: number) {
      const r = await row(id);
      if (
        instanceId &&
        !(await db.instance.findUnique({ where: { blockId_id: { blockId: id, id: instanceId } } }))
      ) {
        throw new NotFoundError("instance", instanceId, "instanceId");
      }
      const requestId = `${id}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      const answer = await queues.ask(r.clusterId ?? "local", {
        type: "block.logs",
        blockId: id,
        limit,
        requestId,
        ...(instanceId ? { instanceId } : {}),
      });
      return {
        lines: Array.isArray((answer as { lines?: unknown }).lines)
          ? (answer as { lines: string[] }).lines
          : [],
      };
    },

    /**
     * New parameters for the block (merged over the current ones): stored, so new instances start
     * with them, and sent to the running instances, whose replies come back.
     */
    async updateParameters(id: string, parameters: Record<string, unknown>) {
      const { r, merged } = await locked(id, async (tx, r) => {
        if (r.status === "removed") throw new NotFoundError("block", id);
        const doc = asObject(r.doc);
        const merged = { ...asObject(doc.parameters), ...parameters };
        await tx.block.update({
          where: { id },
          data: { doc: { ...doc, parameters: merged } as Prisma.InputJsonValue },
        });
        return { r, merged };
      });
      const requestId = `${id}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      const answer = (await queues.ask(r.clusterId ?? "local", {
        type: "block.parameters",
        blockId: id,
        parameters: merged,
        requestId,
      })) as { results?: Array<{ instanceId: string; status: number; reply: unknown }> };
      return { parameters: merged, results: answer.results ?? [] };
    },

    /** Removes one instance: the desired count goes down by one (never below minInstances). */
    async removeInstance(id: string, instanceId: string) {
      const r = await locked(id, async (tx, r) => {
        if (r.status === "removed") throw new NotFoundError("block", id);
        if (!(await tx.instance.findUnique({ where: { blockId_id: { blockId: id, id: instanceId } } }))) {
          throw new NotFoundError("instance", instanceId, "instanceId");
        }
        if (r.desiredInstances - 1 < r.minInstances) {
          throw UserError.field(
            "instanceId",
            `removing it would go below minInstances (${r.minInstances}); scale instead`,
          );
        }
        await tx.block.update({ where: { id }, data: { desiredInstances: r.desiredInstances - 1 } });
        return r;
      });
      const requestId = `${id}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      await queues.ask(r.clusterId ?? "local", {
        type: "instance.remove",
        blockId: id,
        instanceId,
        requestId,
      });
      return { desiredInstances: r.desiredInstances - 1 };
    },

    /** A management command for the block's instances (all, or one), answered by each. */
    async mgmt(id: string, instanceId: string | undefined, action: string, data: unknown) {
      const r = await row(id);
      const requestId = `${id}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      const answer = (await queues.ask(r.clusterId ?? "local", {
        type: "block.mgmt",
        blockId: id,
        action,
        data,
        requestId,
        ...(instanceId ? { instanceId } : {}),
      })) as { results?: Array<{ instanceId: string; status: number; reply: unknown }> };
      return { results: answer.results ?? [] };
    },

    /**
     * A management command for the policy of one of the block's services (executor: its
     * loadBalancer; autoscaler; health: its healthChecker), answered by the policy's `management`.
     */
    async serviceMgmt(
      id: string,
      service: "executor" | "autoscaler" | "health",
      action: string,
      data: unknown,
    ) {
      const r = await row(id);
      const requestId = `${id}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      const answer = (await queues.ask(r.clusterId ?? "local", {
        type: "block.mgmt",
        blockId: id,
        service,
        action,
        data,
        requestId,
      })) as { results?: Array<{ service: string; status: number; reply: unknown }> };
      const result = answer.results?.[0];
      if (!result) throw new OperationalError(`the agent of block ${id} did not answer`);
      return result;
    },

    /** Live figures from the block's executor (`GET /status`): tasks, in-flight, per-instance latency, loops. */
    async metrics(id: string): Promise<Record<string, unknown>> {
      const endpoint = await this.executorEndpoint(id);
      try {
        const res = await fetch(`${endpoint}/status`, { signal: AbortSignal.timeout(3_000) });
        return (await res.json()) as Record<string, unknown>;
      } catch (err) {
        throw new OperationalError(`the executor of block ${id} did not answer: ${(err as Error).message}`);
      }
    },

    async executorEndpoint(id: string): Promise<string> {
      const r = await row(id);
      const endpoint = runtimeOf(r.doc).executorEndpoint;
      if (!endpoint) throw new UserError(`block ${id} has no running executor yet (status ${r.status})`);
      return endpoint;
    },

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

export type BlockLifecycle = ReturnType<typeof createBlockLifecycle>;
