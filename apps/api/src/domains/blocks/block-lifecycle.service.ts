import { EventEmitter } from "node:events";
import type { TClusterJob } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Dispatcher } from "undici";
import type { Principal } from "../../auth/principal";
import { NotFoundError, OperationalError, UserError } from "../../errors";
import type { PreCheckService } from "../gateway/pre-check.service";
import { clusterData, policyBlock } from "../gateway/pre-check-inputs";
import { checkPolicyCommand } from "../policies/policy-contract";
import { type ClusterQueues, newRequestId } from "../queues/cluster-queues";
import { asObject } from "../registry/doc";
import { setBlockComponent } from "./block-component";
import { scaledEvent } from "./block-events.service";
import { createExecutorLookup, type ExecutorTarget, executorStatus } from "./block-executor";
import { lockedBlock } from "./block-lock";
import type { BlockPlacement } from "./block-placement.service";
import { runtimeOf } from "./block-runtime-state";
import { toInstanceRecord } from "./instance.registry";

type BlockRow = Prisma.BlockGetPayload<object>;

/** A block's status changed (for live views: `blocks.onStatus`). */
export interface BlockStatusEvent {
  blockId: string;
  status: string;
  reason: string;
  at: string;
}

/** The block's policy that answers each service's management commands. */
const SERVICE_POLICY = {
  executor: "loadBalancer",
  autoscaler: "autoscaler",
  health: "healthChecker",
} as const;

/**
 * A block's life after it was created, as its users command it: scaling, removal, parameters,
 * management commands, logs and live figures. The loop with its cluster's agent is in
 * block-agent-loop.service.ts.
 */
export function createBlockLifecycle(
  db: Db,
  queues: ClusterQueues,
  preChecks: PreCheckService,
  placement: BlockPlacement,
  /** The API's connections to workloads (`workload-targets.ts`): the executor's `/status`. */
  workloads: Dispatcher,
  events: EventEmitter = new EventEmitter(),
) {
  const row = async (id: string) => {
    const r = await db.block.findUnique({ where: { id } });
    if (!r || r.status === "removed") throw new NotFoundError("block", id);
    return r;
  };
  const executorOf = createExecutorLookup(db, events);
  const locked = <T>(id: string, change: (tx: Prisma.TransactionClient, r: BlockRow) => Promise<T>) =>
    lockedBlock(db, id, change);
  /**
   * Changes the block's desired state, places (or marks for stopping) its instances to match, and
   * tells every node of its cluster: each stops or starts what is placed on it.
   */
  const bump = async (
    id: string,
    data: Prisma.BlockUpdateInput,
    reason: string,
    patchDoc: (doc: Record<string, unknown>) => Record<string, unknown> = (doc) => doc,
  ) => {
    const { clusterId, revision, from } = await locked(id, async (tx, r) => {
      if (r.status === "removed") throw new NotFoundError("block", id);
      const runtime = runtimeOf(r.doc);
      const doc = { ...patchDoc(asObject(r.doc)), runtime: { ...runtime, statusReason: reason } };
      const updated = await tx.block.update({
        where: { id },
        data: { ...data, doc: doc as unknown as Prisma.InputJsonValue },
      });
      // One new revision per command: the placement pass takes the next one.
      const outcome = await placement.placeLocked(tx, updated, { bump: true });
      return { clusterId: r.clusterId, revision: outcome.revision, from: r.status };
    });
    await placement.tellNodes(clusterId, id, revision, reason);
    if (typeof data.status === "string" && data.status !== from) {
      events.emit("status", {
        blockId: id,
        status: data.status,
        reason,
        at: new Date().toISOString(),
      } satisfies BlockStatusEvent);
    }
  };
  /** The block_mgmt pre-check of the block's cluster (else the network's): the command to carry on with. */
  /** Asks each node that runs the block's instances (or the one of `instanceId`); their replies together. */
  const askInstanceNodes = async (
    id: string,
    instanceId: string | undefined,
    job: Extract<TClusterJob, { type: "block.mgmt" | "block.parameters" }>,
  ): Promise<Array<{ instanceId: string; status: number; reply: unknown }>> => {
    const nodes = await placement.instanceNodes(id, instanceId);
    if (nodes.length === 0) {
      throw new OperationalError(
        instanceId ? `instance ${instanceId} of block ${id} runs on no node` : `block ${id} has no instances`,
      );
    }
    const answers = await Promise.all(
      nodes.map(
        (node) =>
          queues.ask(node, { ...job, requestId: `${job.requestId}-${node.nodeId}` }) as Promise<{
            results?: Array<{ instanceId: string; status: number; reply: unknown }>;
          }>,
      ),
    );
    return answers.flatMap((a) => a.results ?? []);
  };
  const admitMgmt = async (
    r: BlockRow,
    command: { action: string; payload: unknown; service: string; instanceId?: string | undefined },
    actor: Principal | null,
  ) => {
    const { instanceId, ...rest } = command;
    const admitted = await preChecks.check(
      {
        action: "block_mgmt",
        blockData: policyBlock(r),
        input: { ...rest, ...(instanceId ? { instanceId } : {}) },
      },
      { clusterId: r.clusterId, actor, target: r.id },
    );
    return { action: admitted.input.action, data: admitted.input.payload };
  };
  return {
    /** Status changes as they happen ("status" events of BlockStatusEvent), for live views. */
    events,

    /**
     * Sets the desired count, after the scale_block pre-check: it sees the change as an upscale or
     * downscale by `instancesCount` (and the resulting count as `instances`); a modified
     * `instancesCount` is what is applied.
     */
    /** `by`: who asked, in the `scaled_*` event (`event_policy`: a block's event policy, whose events it does not see). */
    async scale(id: string, instances: number, actor: Principal | null = null, by = "scale") {
      const r = await row(id);
      const range = `minInstances..maxInstances (${r.minInstances}..${r.maxInstances})`;
      const inRange = (n: number) => n >= r.minInstances && n <= r.maxInstances;
      if (!inRange(instances)) throw UserError.field("instances", `must be within ${range}`);
      const delta = instances - r.desiredInstances;
      const targetOf = (input: { operation: "upscale" | "downscale"; instancesCount?: number | undefined }) =>
        r.desiredInstances + (input.operation === "upscale" ? 1 : -1) * (input.instancesCount ?? 0);
      const admitted = await preChecks.check(
        {
          action: "scale_block",
          blockData: policyBlock(r),
          input: {
            operation: delta < 0 ? "downscale" : "upscale",
            ...(delta !== 0 ? { instancesCount: Math.abs(delta) } : {}),
            instances,
          },
        },
        {
          clusterId: r.clusterId,
          actor,
          target: id,
          accept: (m) =>
            inRange(targetOf(m.input))
              ? null
              : `input.instancesCount: makes ${targetOf(m.input)}, outside ${range}`,
        },
      );
      const target = targetOf(admitted.input);
      await bump(id, { desiredInstances: target }, `scaled to ${target} instance(s)`);
      for (const e of scaledEvent(r.desiredInstances, target, by))
        events.emit("blockEvent", { blockId: id, ...e });
    },

    /** Runs the block on another component (a new version of its code): see block-component.ts. */
    setComponent: (id: string, componentURI: string) =>
      setBlockComponent({ db, row, bump }, id, componentURI),

    /** Removal, after the remove_block pre-check of the block's cluster (else the network's). */
    async remove(id: string, actor: Principal | null = null) {
      const r = await row(id);
      const instances = await db.instance.findMany({ where: { blockId: id }, select: { nodeId: true } });
      const nodes = [...new Set(instances.flatMap((i) => (i.nodeId ? [i.nodeId] : [])))].sort();
      await preChecks.check(
        {
          action: "remove_block",
          blockData: policyBlock(r),
          ...(r.clusterId ? { clusterData: await clusterData(db, r.clusterId) } : {}),
          blockMetrics: { instances: instances.length },
          blockInstanceNodes: nodes,
        },
        { clusterId: r.clusterId, actor, target: id },
      );
      await bump(id, { status: "removing", desiredInstances: 0 }, "removal requested");
    },

    async instances(id: string) {
      await row(id);
      const rows = await db.instance.findMany({ where: { blockId: id }, orderBy: { createdAt: "asc" } });
      return rows.map(toInstanceRecord);
    },

    /** The last lines of the block's executor, of one instance or its side-car (`container`), from its agent. */
    async logs(id: string, instanceId: string | undefined, limit: number, container?: string) {
      await row(id);
      if (
        instanceId &&
        !(await db.instance.findUnique({ where: { blockId_id: { blockId: id, id: instanceId } } }))
      ) {
        throw new NotFoundError("instance", instanceId, "instanceId");
      }
      const requestId = newRequestId(id);
      const target = instanceId
        ? ((await placement.instanceNodes(id, instanceId))[0] ?? (await placement.executorNode(id)))
        : await placement.executorNode(id);
      const answer = await queues.ask(target, {
        type: "block.logs",
        blockId: id,
        limit,
        requestId,
        ...(instanceId ? { instanceId, ...(container ? { container } : {}) } : {}),
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
      const { merged } = await locked(id, async (tx, r) => {
        if (r.status === "removed") throw new NotFoundError("block", id);
        const doc = asObject(r.doc);
        const merged = { ...asObject(doc.parameters), ...parameters };
        await tx.block.update({
          where: { id },
          data: { doc: { ...doc, parameters: merged } as Prisma.InputJsonValue },
        });
        return { merged };
      });
      const requestId = newRequestId(id);
      const results = await askInstanceNodes(id, undefined, {
        type: "block.parameters",
        blockId: id,
        parameters: merged,
        requestId,
      });
      return { parameters: merged, results };
    },

    /**
     * Removes one instance: the desired count goes down by one (never below minInstances). The
     * scale_block pre-check sees a downscale by one with the instance in `instancesList` (a modified
     * list naming one other instance removes that one).
     */
    async removeInstance(id: string, instanceId: string, actor: Principal | null = null) {
      const current = await row(id);
      if (!(await db.instance.findUnique({ where: { blockId_id: { blockId: id, id: instanceId } } }))) {
        throw new NotFoundError("instance", instanceId, "instanceId");
      }
      const admitted = await preChecks.check(
        {
          action: "scale_block",
          blockData: policyBlock(current),
          input: {
            operation: "downscale",
            instancesCount: 1,
            instancesList: [instanceId],
            instances: current.desiredInstances - 1,
          },
        },
        {
          clusterId: current.clusterId,
          actor,
          target: id,
          accept: (m) =>
            m.input.operation === "downscale" && (m.input.instancesList ?? [instanceId]).length === 1
              ? null
              : "input: removing an instance is a downscale of exactly one instance (instancesList)",
        },
      );
      const chosen = admitted.input.instancesList?.[0] ?? instanceId;
      const [node] = await placement.instanceNodes(id, chosen);
      const r = await locked(id, async (tx, r) => {
        if (r.status === "removed") throw new NotFoundError("block", id);
        if (!(await tx.instance.findUnique({ where: { blockId_id: { blockId: id, id: chosen } } }))) {
          throw new NotFoundError("instance", chosen, "instanceId");
        }
        if (r.desiredInstances - 1 < r.minInstances) {
          throw UserError.field(
            "instanceId",
            `removing it would go below minInstances (${r.minInstances}); scale instead`,
          );
        }
        const updated = await tx.block.update({
          where: { id },
          data: { desiredInstances: r.desiredInstances - 1 },
        });
        await placement.placeLocked(tx, updated, { victims: [chosen] });
        return r;
      });
      // Its node stops it now (the placement marked it removing) and answers once it has.
      const requestId = newRequestId(id);
      if (node) {
        await queues.ask(node, { type: "instance.remove", blockId: id, instanceId: chosen, requestId });
      }
      return { desiredInstances: r.desiredInstances - 1 };
    },

    /** A management command for the block's instances (all, or one), answered by each. */
    async mgmt(
      id: string,
      instanceId: string | undefined,
      requested: string,
      payload: unknown,
      actor: Principal | null = null,
    ) {
      const r = await row(id);
      const { action, data } = await admitMgmt(
        r,
        { action: requested, payload, service: "instances", instanceId },
        actor,
      );
      const requestId = newRequestId(id);
      const results = await askInstanceNodes(id, instanceId, {
        type: "block.mgmt",
        blockId: id,
        action,
        data,
        requestId,
        ...(instanceId ? { instanceId } : {}),
      });
      return { results };
    },

    /**
     * A management command for the policy of one of the block's services (executor: its
     * loadBalancer; autoscaler; health: its healthChecker), answered by the policy's `management`.
     */
    async serviceMgmt(
      id: string,
      service: "executor" | "autoscaler" | "health",
      requested: string,
      payload: unknown,
      fields: { action: string; data: string } = { action: "action", data: "data" },
      actor: Principal | null = null,
    ) {
      const r = await row(id);
      // The pre-check first: the command it lets through (possibly modified) is what the policy's
      // declared commands are checked against.
      const { action, data } = await admitMgmt(r, { action: requested, payload, service }, actor);
      // Checked against the policy's declared commands before anything reaches the cluster.
      const policy = asObject(asObject(asObject(r.doc).policies)[SERVICE_POLICY[service]]);
      if (typeof policy.policyRuleURI === "string") {
        await checkPolicyCommand(db, policy.policyRuleURI, action, data, fields);
      }
      const requestId = newRequestId(id);
      const answer = (await queues.ask(await placement.executorNode(id), {
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
      return executorStatus(workloads, id, await this.executor(id));
    },

    /**
     * Where the block's executor listens and the data token its `/infer` takes (null: none), as
     * read at most EXECUTOR_TTL_MS ago (`block-executor.ts`); `fresh`: read now.
     */
    executor(id: string, opts?: { fresh?: boolean }): Promise<ExecutorTarget> {
      return executorOf(id, opts);
    },
  };
}

export type BlockLifecycle = ReturnType<typeof createBlockLifecycle>;
