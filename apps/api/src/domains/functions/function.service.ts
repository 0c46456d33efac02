import {
  DEFAULT_PAGE_LIMIT,
  type TFunctionAutoscaling,
  type TFunctionReplica,
  type TPolicyCallResult,
  type TPolicyFunctionRecord,
  ZPolicyCallResult,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { z } from "zod";
import { assertClusterScope } from "../../cluster-scope";
import { ConflictError, NotFoundError, OperationalError, UserError } from "../../errors";
import type { WorkloadTargets } from "../../workload-targets";
import { checkPolicyCommand, checkPolicyValues } from "../policies/policy-contract";
import { type ClusterQueues, newRequestId } from "../queues/cluster-queues";
import { asObject, sameDoc } from "../registry/doc";
import type { PageInput } from "../registry/search";
import { callReplica } from "./replica-client";

type FunctionRow = Prisma.PolicyFunctionGetPayload<object>;

/** What the agent answers a `function.management` job. */
const ZFunctionManagementAnswer = z.object({
  replica: z.number().int(),
  status: z.number().int(),
  reply: z.unknown(),
});

interface FunctionDoc {
  settings: Record<string, unknown>;
  parameters: Record<string, unknown>;
  revision: number;
  replicaStates: TFunctionReplica[];
  /**
   * Each replica's data token by index (reported with its endpoint): what the API sends on its
   * `/invoke`. Kept beside the states, never in a record or a filter.
   */
  replicaDataTokens: Record<string, string>;
  /** Its autoscaling rules (checked when set); null without. */
  autoscaling: TFunctionAutoscaling | null;
}

const docOf = (row: FunctionRow): FunctionDoc => {
  const d = asObject(row.doc);
  return {
    settings: asObject(d.settings),
    parameters: asObject(d.parameters),
    revision: typeof d.revision === "number" ? d.revision : 0,
    replicaStates: Array.isArray(d.replicaStates) ? (d.replicaStates as TFunctionReplica[]) : [],
    replicaDataTokens: asObject(d.replicaDataTokens) as Record<string, string>,
    autoscaling: (d.autoscaling as TFunctionAutoscaling | undefined) ?? null,
  };
};

/** `replicas` within the autoscaling bounds, or why not (naming `field`). */
function checkBounds(replicas: number, autoscaling: TFunctionAutoscaling | null, field = "replicas") {
  if (autoscaling && (replicas < autoscaling.minReplicas || replicas > autoscaling.maxReplicas))
    throw UserError.field(
      field,
      `${replicas} is outside the function's autoscaling bounds [${autoscaling.minReplicas}, ${autoscaling.maxReplicas}]`,
    );
}

export function toFunctionRecord(row: FunctionRow): TPolicyFunctionRecord {
  const d = docOf(row);
  return {
    name: row.name,
    policyRuleURI: row.policyRuleURI,
    clusterId: row.clusterId,
    status: row.status as TPolicyFunctionRecord["status"],
    replicas: row.replicas,
    replicaStates: d.replicaStates,
    settings: d.settings,
    parameters: d.parameters,
    revision: d.revision,
    autoscaling: d.autoscaling,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface DeployFunction {
  name: string;
  policyRuleURI: string;
  clusterId: string;
  /** Default: the autoscaling's minReplicas, else 1. */
  replicas?: number | undefined;
  settings?: Record<string, unknown> | undefined;
  parameters?: Record<string, unknown> | undefined;
  autoscaling?: TFunctionAutoscaling | undefined;
}

/**
 * Execution type 4: a stateful policy function hosted by a cluster's agent as N replica processes,
 * each with an HTTP invoke route. The row is the desired state; every change bumps its revision
 * and queues a reconcile job; agents report what actually runs.
 */
export function createFunctionService(
  db: Db,
  queues: ClusterQueues,
  /** Where the API calls workloads (`workload-targets.ts`), and its connections to the replicas' `/invoke`. */
  workloads: Pick<WorkloadTargets, "refusal" | "dispatcher">,
) {
  const cursor = new Map<string, number>();
  const row = async (name: string) => {
    const r = await db.policyFunction.findUnique({ where: { name } });
    if (!r || r.status === "removed") throw new NotFoundError("function", name, "name");
    return r;
  };
  /**
   * Read, change and write one function's row under its lock: a change (a scale, new rules) and
   * the agent's report both rewrite `doc`, and neither may put back what the other replaced.
   */
  const locked = (
    name: string,
    next: (r: FunctionRow) => { data?: { replicas?: number; status?: string }; doc: FunctionDoc },
  ) =>
    db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM policy_functions WHERE name = ${name} FOR UPDATE`;
      const r = await tx.policyFunction.findUnique({ where: { name } });
      if (!r) throw new NotFoundError("function", name, "name");
      const { data, doc } = next(r);
      return tx.policyFunction.update({
        where: { name },
        data: { ...data, doc: doc as unknown as Prisma.InputJsonValue },
      });
    });
  const change = async (
    r: FunctionRow,
    data: { replicas?: number; status?: string },
    docChange: Partial<FunctionDoc> = {},
  ) => {
    const updated = await locked(r.name, (now) => {
      const d = docOf(now);
      return { data, doc: { ...d, ...docChange, revision: d.revision + 1 } };
    });
    const { revision } = docOf(updated);
    await queues.enqueue(r.clusterId ?? "local", { type: "function.reconcile", name: r.name, revision });
    return toFunctionRecord(updated);
  };

  /**
   * A management command goes through the agent of the function's cluster: a replica's
   * `/management` takes its control token only, which the agent alone holds.
   */
  const managementThroughAgent = async (
    r: FunctionRow,
    command: { action: string; data?: unknown },
    replica: number | undefined,
  ): Promise<TPolicyCallResult & { replica: number }> => {
    const requestId = newRequestId(r.name);
    const clusterId = r.clusterId ?? "local";
    const answer = ZFunctionManagementAnswer.safeParse(
      await queues.ask(clusterId, {
        type: "function.management",
        name: r.name,
        action: command.action,
        data: command.data,
        requestId,
        ...(replica === undefined ? {} : { replica }),
      }),
    );
    if (!answer.success)
      throw new OperationalError(
        `the agent of cluster ${clusterId} did not answer function ${r.name}'s command`,
      );
    const { status, reply } = answer.data;
    const result = ZPolicyCallResult.safeParse(reply);
    if ((status !== 200 && status !== 422) || !result.success)
      throw new OperationalError(`replica ${answer.data.replica} of ${r.name} answered HTTP ${status}`);
    return { ...result.data, replica: answer.data.replica };
  };

  return {
    async deploy(req: DeployFunction): Promise<TPolicyFunctionRecord> {
      await checkPolicyValues(db, req.policyRuleURI, req);
      const cluster = await db.cluster.findUnique({ where: { id: req.clusterId }, select: { id: true } });
      if (!cluster) throw new NotFoundError("cluster", req.clusterId, "clusterId");
      const settings = req.settings ?? {};
      const parameters = req.parameters ?? {};
      const autoscaling = req.autoscaling ?? null;
      const replicas = req.replicas ?? autoscaling?.minReplicas ?? 1;
      checkBounds(replicas, autoscaling);
      const existing = await db.policyFunction.findUnique({ where: { name: req.name } });
      if (existing && existing.status !== "removed") {
        const d = docOf(existing);
        const same =
          existing.policyRuleURI === req.policyRuleURI &&
          existing.clusterId === req.clusterId &&
          sameDoc(d.settings, settings) &&
          sameDoc(d.parameters, parameters) &&
          sameDoc(d.autoscaling ?? {}, autoscaling ?? {});
        if (!same)
          throw new ConflictError(`function ${req.name} already exists with another policy or configuration`);
        // Autoscaled: the replicas it runs now are the autoscaler's, not a change.
        return existing.replicas === replicas || (autoscaling && req.replicas === undefined)
          ? toFunctionRecord(existing)
          : change(existing, { replicas });
      }
      const revision = existing ? docOf(existing).revision + 1 : 1;
      const doc = {
        settings,
        parameters,
        revision,
        replicaStates: [],
        autoscaling,
      } as unknown as Prisma.InputJsonValue;
      const data = {
        policyRuleURI: req.policyRuleURI,
        clusterId: req.clusterId,
        status: "pending",
        replicas,
        doc,
      };
      const created = await db.policyFunction.upsert({
        where: { name: req.name },
        create: { name: req.name, ...data },
        update: data,
      });
      await queues.enqueue(req.clusterId, { type: "function.reconcile", name: req.name, revision });
      return toFunctionRecord(created);
    },

    get: async (name: string) => toFunctionRecord(await row(name)),

    async list(filter: PageInput & { clusterId?: string | undefined } = {}) {
      const rows = await db.policyFunction.findMany({
        where: { status: { not: "removed" }, ...(filter.clusterId ? { clusterId: filter.clusterId } : {}) },
        orderBy: { name: "asc" },
        take: filter.limit ?? DEFAULT_PAGE_LIMIT,
        skip: filter.offset ?? 0,
      });
      return rows.map(toFunctionRecord);
    },

    async scale(name: string, replicas: number) {
      const r = await row(name);
      checkBounds(replicas, docOf(r).autoscaling);
      return change(r, { replicas });
    },

    /** New autoscaling rules (null: none; it keeps the replicas it runs), the replicas brought within them. */
    async setAutoscaling(name: string, autoscaling: TFunctionAutoscaling | null) {
      const r = await row(name);
      const replicas = autoscaling
        ? Math.min(autoscaling.maxReplicas, Math.max(autoscaling.minReplicas, r.replicas))
        : r.replicas;
      return change(r, { replicas }, { autoscaling });
    },

    /**
     * The agent's autoscaler asks for `replicas` (within the rules' bounds). Nothing changes when it
     * runs that many already; a function without rules, or being removed, refuses.
     */
    async autoscale(name: string, replicas: number, clusterScope: string | null) {
      const r = await row(name);
      assertClusterScope(clusterScope, r.clusterId, `function ${name}`);
      const { autoscaling } = docOf(r);
      if (!autoscaling) throw new ConflictError(`function ${name} has no autoscaling rules`);
      if (r.status === "removing") throw new ConflictError(`function ${name} is being removed`);
      checkBounds(replicas, autoscaling);
      return r.replicas === replicas ? toFunctionRecord(r) : change(r, { replicas });
    },

    remove: async (name: string) => change(await row(name), { status: "removing", replicas: 0 }),

    /** What an agent must run for one function (zero replicas once it is being removed). */
    async desired(name: string, clusterScope: string | null) {
      const r = await db.policyFunction.findUnique({ where: { name } });
      if (!r) throw new NotFoundError("function", name, "name");
      assertClusterScope(clusterScope, r.clusterId, `function ${name}`);
      const d = docOf(r);
      const active = r.status !== "removing" && r.status !== "removed";
      return {
        name,
        policyRuleURI: r.policyRuleURI,
        replicas: active ? r.replicas : 0,
        /** Being removed (or gone): its agent stops its replicas and releases what is left of it. */
        removing: !active,
        revision: d.revision,
        settings: d.settings,
        parameters: d.parameters,
        autoscaling: d.autoscaling,
      };
    },

    async desiredForCluster(clusterId: string) {
      const rows = await db.policyFunction.findMany({ where: { clusterId, status: { not: "removed" } } });
      return rows.map((r) => r.name);
    },

    /** The agent's report of what runs; a function being removed is gone once no replica runs. */
    async report(
      name: string,
      reported: Array<TFunctionReplica & { dataToken?: string | null | undefined }>,
      clusterScope: string | null,
    ) {
      const r = await db.policyFunction.findUnique({ where: { name } });
      if (!r) throw new NotFoundError("function", name, "name");
      assertClusterScope(clusterScope, r.clusterId, `function ${name}`);
      // A replica listening where the API does not call workloads is failed, saying why (nothing could reach it).
      const replicas = reported.map(({ dataToken: _token, ...state }) => {
        const refused = state.status === "ready" && state.endpoint ? workloads.refusal(state.endpoint) : null;
        return refused
          ? {
              ...state,
              status: "failed" as const,
              message: `it listens at ${state.endpoint}, where the API does not call workloads: ${refused}`,
            }
          : state;
      });
      const replicaDataTokens = Object.fromEntries(
        reported.flatMap((x) => (x.endpoint && x.dataToken ? [[String(x.index), x.dataToken]] : [])),
      );
      const running = replicas.filter((x) => x.status !== "stopped");
      const ready = running.filter((x) => x.status === "ready").length;
      // Under the row's lock: a scale or new rules meanwhile are kept, and judged by.
      const updated = await locked(name, (now) => {
        let status = now.status;
        if (now.status === "removing") status = running.length === 0 ? "removed" : "removing";
        else if (ready >= now.replicas && ready > 0) status = "running";
        else if (running.some((x) => x.status === "failed")) status = "degraded";
        else status = "pending";
        return { data: { status }, doc: { ...docOf(now), replicaStates: replicas, replicaDataTokens } };
      });
      return toFunctionRecord(updated);
    },

    /**
     * Calls one ready replica (round robin), trying the next one when a replica cannot be reached;
     * a management command goes through the function's agent.
     */
    async invoke(
      name: string,
      path: "invoke" | "management",
      body: unknown,
      replica?: number | undefined,
    ): Promise<TPolicyCallResult & { replica: number }> {
      const r = await row(name);
      if (path === "management") {
        const command = body as { action: string; data?: unknown };
        await checkPolicyCommand(db, r.policyRuleURI, command.action, command.data);
        return managementThroughAgent(r, command, replica);
      }
      const { replicaStates, replicaDataTokens } = docOf(r);
      const ready = replicaStates.filter((x) => x.status === "ready" && x.endpoint);
      const candidates = replica === undefined ? ready : ready.filter((x) => x.index === replica);
      if (candidates.length === 0) {
        throw new OperationalError(
          replica === undefined
            ? `function ${name} has no ready replica yet`
            : `replica ${replica} of ${name} is not ready`,
        );
      }
      const start = cursor.get(name) ?? 0;
      cursor.set(name, start + 1);
      let lastError: Error | undefined;
      for (let i = 0; i < candidates.length; i++) {
        const target = candidates[(start + i) % candidates.length] as TFunctionReplica;
        try {
          const dataToken = replicaDataTokens[String(target.index)] ?? null;
          const result = await callReplica(
            workloads.dispatcher,
            target.endpoint as string,
            path,
            body,
            dataToken,
          );
          return { ...result, replica: target.index };
        } catch (err) {
          lastError = err as Error;
        }
      }
      throw new OperationalError(`no replica of ${name} answered: ${lastError?.message}`);
    },
  };
}

export type FunctionService = ReturnType<typeof createFunctionService>;
