import {
  DEFAULT_PAGE_LIMIT,
  type TFunctionReplica,
  type TPolicyCallResult,
  type TPolicyFunctionRecord,
  ZPolicyCallResult,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { z } from "zod";
import { assertClusterScope } from "../../cluster-scope";
import { ConflictError, NotFoundError, OperationalError } from "../../errors";
import { checkPolicyCommand, checkPolicyValues } from "../policies/policy-contract";
import type { ClusterQueues } from "../queues/cluster-queues";
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
}

const docOf = (row: FunctionRow): FunctionDoc => {
  const d = asObject(row.doc);
  return {
    settings: asObject(d.settings),
    parameters: asObject(d.parameters),
    revision: typeof d.revision === "number" ? d.revision : 0,
    replicaStates: Array.isArray(d.replicaStates) ? (d.replicaStates as TFunctionReplica[]) : [],
    replicaDataTokens: asObject(d.replicaDataTokens) as Record<string, string>,
  };
};

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
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface DeployFunction {
  name: string;
  policyRuleURI: string;
  clusterId: string;
  replicas: number;
  settings?: Record<string, unknown> | undefined;
  parameters?: Record<string, unknown> | undefined;
}

/**
 * Execution type 4: a stateful policy function hosted by a cluster's agent as N replica processes,
 * each with an HTTP invoke route. The row is the desired state; every change bumps its revision
 * and queues a reconcile job; agents report what actually runs.
 */
export function createFunctionService(db: Db, queues: ClusterQueues) {
  const cursor = new Map<string, number>();
  const row = async (name: string) => {
    const r = await db.policyFunction.findUnique({ where: { name } });
    if (!r || r.status === "removed") throw new NotFoundError("function", name, "name");
    return r;
  };
  const change = async (r: FunctionRow, data: { replicas?: number; status?: string }) => {
    const d = docOf(r);
    const revision = d.revision + 1;
    const updated = await db.policyFunction.update({
      where: { name: r.name },
      data: { ...data, doc: { ...d, revision } as unknown as Prisma.InputJsonValue },
    });
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
    const requestId = `${r.name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
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
      const existing = await db.policyFunction.findUnique({ where: { name: req.name } });
      if (existing && existing.status !== "removed") {
        const d = docOf(existing);
        const same =
          existing.policyRuleURI === req.policyRuleURI &&
          existing.clusterId === req.clusterId &&
          sameDoc(d.settings, settings) &&
          sameDoc(d.parameters, parameters);
        if (!same)
          throw new ConflictError(`function ${req.name} already exists with another policy or configuration`);
        return existing.replicas === req.replicas
          ? toFunctionRecord(existing)
          : change(existing, { replicas: req.replicas });
      }
      const revision = existing ? docOf(existing).revision + 1 : 1;
      const doc = { settings, parameters, revision, replicaStates: [] } as unknown as Prisma.InputJsonValue;
      const data = {
        policyRuleURI: req.policyRuleURI,
        clusterId: req.clusterId,
        status: "pending",
        replicas: req.replicas,
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

    scale: async (name: string, replicas: number) => change(await row(name), { replicas }),

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
      const replicas = reported.map(({ dataToken: _token, ...state }) => state);
      const replicaDataTokens = Object.fromEntries(
        reported.flatMap((x) => (x.endpoint && x.dataToken ? [[String(x.index), x.dataToken]] : [])),
      );
      const running = replicas.filter((x) => x.status !== "stopped");
      const ready = running.filter((x) => x.status === "ready").length;
      let status = r.status;
      if (r.status === "removing") status = running.length === 0 ? "removed" : "removing";
      else if (ready >= r.replicas && ready > 0) status = "running";
      else if (running.some((x) => x.status === "failed")) status = "degraded";
      else status = "pending";
      const doc = {
        ...docOf(r),
        replicaStates: replicas,
        replicaDataTokens,
      } as unknown as Prisma.InputJsonValue;
      return toFunctionRecord(await db.policyFunction.update({ where: { name }, data: { status, doc } }));
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
          const result = await callReplica(target.endpoint as string, path, body, dataToken);
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
