import {
  randomAlnum,
  type TPolicyCallResult,
  type TPolicyErrorInfo,
  type TPolicyJobRecord,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";
import type { ClusterQueues } from "../queues/cluster-queues";
import { asObject } from "../registry/doc";
import { checkPolicyValues } from "./policy-contract";
import { policySource } from "./policy-runtime.service";

type JobRow = Prisma.PolicyJobGetPayload<object>;

export function toPolicyJobRecord(row: JobRow): TPolicyJobRecord {
  return {
    id: row.id,
    name: row.name,
    policyRuleURI: row.policyRuleURI,
    clusterId: row.clusterId,
    status: row.status as TPolicyJobRecord["status"],
    input: row.input,
    settings: asObject(row.settings),
    parameters: asObject(row.parameters),
    output: row.output ?? null,
    error: (row.error as TPolicyErrorInfo | null) ?? null,
    logs: (row.logs as TPolicyJobRecord["logs"]) ?? [],
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export interface SubmitPolicyJob {
  policyRuleURI: string;
  clusterId: string;
  input: unknown;
  name?: string | undefined;
  settings?: Record<string, unknown> | undefined;
  parameters?: Record<string, unknown> | undefined;
}

/**
 * Execution type 3: a policy run once, as a job on a chosen cluster's agent. The row is the job;
 * the queue only carries its id, and the agent reports the result back here.
 */
export function createPolicyJobService(db: Db, queues: ClusterQueues) {
  const get = async (id: string) => {
    const row = await db.policyJob.findUnique({ where: { id } });
    if (!row) throw new NotFoundError("policy job", id);
    return row;
  };
  return {
    async submit(req: SubmitPolicyJob): Promise<TPolicyJobRecord> {
      await checkPolicyValues(db, req.policyRuleURI, req);
      const cluster = await db.cluster.findUnique({ where: { id: req.clusterId }, select: { id: true } });
      if (!cluster) throw new NotFoundError("cluster", req.clusterId, "clusterId");
      const id = `pj-${randomAlnum(10)}`;
      const row = await db.policyJob.create({
        data: {
          id,
          name: req.name ?? req.policyRuleURI,
          policyRuleURI: req.policyRuleURI,
          clusterId: req.clusterId,
          input: (req.input ?? null) as Prisma.InputJsonValue,
          settings: (req.settings ?? {}) as Prisma.InputJsonValue,
          parameters: (req.parameters ?? {}) as Prisma.InputJsonValue,
        },
      });
      try {
        await queues.enqueue(req.clusterId, { type: "policy.run", jobId: id });
      } catch (err) {
        await db.policyJob.delete({ where: { id } }); // nothing half-made: no job without its queue entry
        throw err;
      }
      return toPolicyJobRecord(row);
    },

    get: async (id: string) => toPolicyJobRecord(await get(id)),

    async list(filter: {
      policyRuleURI?: string | undefined;
      clusterId?: string | undefined;
      limit?: number | undefined;
    }) {
      const rows = await db.policyJob.findMany({
        where: {
          ...(filter.policyRuleURI ? { policyRuleURI: filter.policyRuleURI } : {}),
          ...(filter.clusterId ? { clusterId: filter.clusterId } : {}),
        },
        orderBy: { createdAt: "desc" },
        take: filter.limit ?? 50,
      });
      return rows.map(toPolicyJobRecord);
    },

    /** The agent takes the job: it gets the policy's code and the merged settings and parameters. */
    async start(id: string, clusterScope: string | null) {
      const row = await get(id);
      assertClusterScope(clusterScope, row.clusterId, `policy job ${id}`);
      const source = await policySource(db, row.policyRuleURI);
      const finished = row.status === "succeeded" || row.status === "failed";
      if (!finished) {
        await db.policyJob.updateMany({
          where: { id, status: { in: ["pending", "running"] } },
          data: { status: "running", startedAt: row.startedAt ?? new Date() },
        });
      }
      return {
        finished,
        job: { id, input: row.input, policyRuleURI: row.policyRuleURI, clusterId: row.clusterId },
        source: {
          code: source.code,
          kind: source.kind,
          // The job's values override the policy's defaults.
          settings: { ...source.settings, ...asObject(row.settings) },
          parameters: { ...source.parameters, ...asObject(row.parameters) },
        },
      };
    },

    /** Records the result once; a repeated report (a retried job) changes nothing. */
    async finish(id: string, result: TPolicyCallResult, clusterScope: string | null) {
      const row = await get(id);
      assertClusterScope(clusterScope, row.clusterId, `policy job ${id}`);
      await db.policyJob.updateMany({
        where: { id, status: { in: ["pending", "running"] } },
        data: {
          status: result.ok ? "succeeded" : "failed",
          output: result.ok ? ((result.output ?? null) as Prisma.InputJsonValue) : undefined,
          error: result.error ? (result.error as Prisma.InputJsonValue) : undefined,
          logs: result.logs as Prisma.InputJsonValue,
          finishedAt: new Date(),
          startedAt: row.startedAt ?? new Date(),
        },
      });
      return toPolicyJobRecord(await get(id));
    },
  };
}

export type PolicyJobService = ReturnType<typeof createPolicyJobService>;
