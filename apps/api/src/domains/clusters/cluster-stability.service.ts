import {
  fieldIssues,
  issuesLine,
  type TPolicyCallResult,
  type TPolicyNode,
  ZClusterStabilityOutput,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import type { Principal } from "../../auth/principal";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError, OperationalError, UserError } from "../../errors";
import type { PreCheckService } from "../gateway/pre-check.service";
import { policyCluster } from "../gateway/pre-check-inputs";
import { checkPolicyCommand } from "../policies/policy-contract";
import { policySource } from "../policies/policy-runtime.service";
import { type ClusterQueues, newRequestId } from "../queues/cluster-queues";
import { asObject } from "../registry/doc";
import { STABILITY_KEY, type TClusterStability, UNSTABLE } from "./cluster-stability.types";

const NODE_LOAD = ["load1m", "load15m", "freeMemoryMb"] as const;

/**
 * The cluster's stability checker (`config.stabilityChecker`): its agent asks for the policy and
 * the cluster's nodes, runs the clusterStability policy and reports the verdict here. The verdict
 * is kept on the cluster's document under the system-written `stability` key; the nodes it calls
 * unstable get the `unstable` status until a later verdict clears them. Management commands for
 * the `stability_checker` service go through the gateway's cluster_mgmt pre-check and the policy's
 * declared commands, then to the agent, which hands them to the policy's `management()`.
 */
export function createClusterStability(deps: { db: Db; queues: ClusterQueues; preChecks: PreCheckService }) {
  const { db, queues, preChecks } = deps;

  const clusterRow = async (id: string, field = "clusterId") => {
    const row = await db.cluster.findUnique({ where: { id } });
    if (!row) throw new NotFoundError("cluster", id, field);
    return row;
  };
  const checkerOf = (doc: unknown) => {
    const c = asObject(asObject(asObject(doc).config).stabilityChecker);
    return typeof c.policyRuleURI === "string"
      ? { policyRuleURI: c.policyRuleURI, parameters: asObject(c.parameters) }
      : null;
  };

  /** Every node of the cluster as the policy sees it, with its latest heartbeat figures. */
  const nodesData = async (clusterId: string): Promise<TPolicyNode[]> => {
    const nodes = await db.node.findMany({
      where: { clusterId },
      include: { gpus: { orderBy: { index: "asc" } } },
      orderBy: { id: "asc" },
    });
    const latest = new Map<string, Record<string, number>>();
    for (const n of nodes) {
      const figures: Record<string, number> = {};
      for (const name of NODE_LOAD) {
        const s = await db.metricSample.findFirst({
          where: { entityType: "node", entityId: n.id, name },
          orderBy: { ts: "desc" },
          select: { value: true },
        });
        if (s) figures[name] = s.value;
      }
      latest.set(n.id, figures);
    }
    return nodes.map((n) => ({
      ...asObject(n.doc),
      id: n.id,
      // The node's liveness: the checker's own earlier verdict (`unstable`) is not fed back to it.
      status: n.status === UNSTABLE ? "ready" : n.status,
      vcpus: n.vcpus,
      memoryMb: n.memoryMb,
      ...latest.get(n.id),
      lastSeenAt: n.lastSeenAt?.toISOString() ?? null,
      gpus: n.gpus.map((g) => ({ index: g.index, modelName: g.modelName, memoryMb: g.memoryMb })),
      tags: n.tags,
    }));
  };

  return {
    /**
     * What the cluster's agent needs for one check: the policy (code, settings and parameters with
     * the cluster's `parameters` over the policy's defaults) and its input; null when the cluster
     * has no stability checker.
     */
    async work(clusterId: string, scope: string | null) {
      assertClusterScope(scope, clusterId);
      const row = await clusterRow(clusterId);
      const checker = checkerOf(row.doc);
      if (!checker) return { checker: null };
      const source = await policySource(db, checker.policyRuleURI, "config.stabilityChecker.policyRuleURI");
      const { [STABILITY_KEY]: _verdict, ...cluster } = policyCluster(row);
      return {
        checker: {
          policyRuleURI: checker.policyRuleURI,
          source: {
            code: source.code,
            kind: source.kind,
            settings: { ...source.settings, ...checker.parameters },
            parameters: { ...source.parameters, ...checker.parameters },
          },
        },
        input: { clusterData: cluster, nodesData: await nodesData(clusterId) },
      };
    },

    /** Stores one check's verdict (or its failure) and marks the nodes it calls unstable. */
    async report(
      clusterId: string,
      report: { policyRuleURI: string; result: TPolicyCallResult },
      scope: string | null,
    ): Promise<TClusterStability> {
      assertClusterScope(scope, clusterId);
      const { result } = report;
      const base = {
        policyRuleURI: report.policyRuleURI,
        checkedAt: new Date().toISOString(),
        durationMs: Math.round(result.durationMs),
      };
      let verdict: TClusterStability;
      if (result.ok) {
        const out = ZClusterStabilityOutput.safeParse(result.output);
        verdict = out.success
          ? { ...base, ok: true, ...out.data }
          : {
              ...base,
              ok: false,
              error: { kind: "invalid_output", message: issuesLine(fieldIssues(out.error, "(output)")) },
            };
      } else {
        verdict = { ...base, ok: false, error: result.error ?? { kind: "runtime", message: "failed" } };
      }
      await db.$transaction(async (tx) => {
        // Only the system's key changes, in place: a concurrent update of the spec is never lost.
        const set =
          await tx.$executeRaw`UPDATE clusters SET doc = jsonb_set(doc, ${[STABILITY_KEY]}::text[], ${JSON.stringify(verdict)}::jsonb) WHERE id = ${clusterId}`;
        if (set === 0) throw new NotFoundError("cluster", clusterId);
        // A failed check says nothing about the nodes: their marks stay as they were.
        if (!verdict.ok) return;
        const unstable = verdict.unstableNodes ?? [];
        await tx.node.updateMany({
          where: { clusterId, status: UNSTABLE, id: { notIn: unstable } },
          data: { status: "ready" },
        });
        await tx.node.updateMany({ where: { clusterId, id: { in: unstable } }, data: { status: UNSTABLE } });
      });
      return verdict;
    },

    /** A management command for the cluster's stability checker, answered by its policy. */
    async mgmt(
      clusterId: string,
      service: "stability_checker",
      requested: string,
      payload: unknown,
      fields: { cluster: string; action: string; data: string } = {
        cluster: "clusterId",
        action: "action",
        data: "payload",
      },
      actor: Principal | null = null,
    ) {
      const row = await clusterRow(clusterId, fields.cluster);
      const checker = checkerOf(row.doc);
      if (!checker) {
        throw UserError.field(
          fields.cluster,
          `cluster ${clusterId} has no stability checker (config.stabilityChecker is not set); set config.stabilityChecker.policyRuleURI with clusters.update first`,
        );
      }
      const admitted = await preChecks.check(
        {
          action: "cluster_mgmt",
          clusterData: policyCluster(row),
          input: { action: requested, payload, service },
        },
        { clusterId, actor, target: clusterId },
      );
      const action = admitted.input.action;
      const data = admitted.input.payload;
      await checkPolicyCommand(db, checker.policyRuleURI, action, data, fields);
      const requestId = newRequestId(clusterId);
      const answer = (await queues.ask(clusterId, {
        type: "cluster.mgmt",
        service,
        action,
        data,
        requestId,
      })) as { service?: string; status?: number; reply?: unknown } | null;
      if (!answer || typeof answer.status !== "number")
        throw new OperationalError(`the agent of cluster ${clusterId} did not answer`);
      return { service, status: answer.status, reply: answer.reply };
    },
  };
}

export type ClusterStability = ReturnType<typeof createClusterStability>;
