import type { TAddNodeSpec } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Principal } from "../../auth/principal";
import type { AuditService } from "../audit/audit.service";
import type { PreCheckService } from "../gateway/pre-check.service";
import { clusterData, clusterMetrics } from "../gateway/pre-check-inputs";
import type { NodeService } from "../nodes/node.service";
import type { TAgentHeartbeat, TAgentRegistration } from "./agent.types";
import { assertAgentCluster, assertAgentNode } from "./agent-scope";

/**
 * Cluster agents report what they run on. An agent token is scoped to one cluster; a registration
 * creates that cluster if no spec created it first, and always refreshes the agent's own node.
 * Joining goes through the gateway like a spec would: a cluster the network does not know passes
 * its add_cluster pre-check, a node its cluster does not know passes add_node; a known node that
 * registers again (an agent restart) was admitted already.
 */
export function createAgentService(deps: {
  db: Db;
  nodes: NodeService;
  audit: AuditService;
  preChecks: PreCheckService;
}) {
  const { db, nodes, audit, preChecks } = deps;
  return {
    async register(input: TAgentRegistration, principal: Principal | null) {
      assertAgentCluster(principal, input.clusterId);
      assertAgentNode(principal, input.node.id);
      const now = new Date();
      const existing = await db.cluster.findUnique({ where: { id: input.clusterId } });
      if (!existing) {
        const submitted = {
          id: input.clusterId,
          regionId: input.clusterId,
          status: "live",
          config: { publicHostname: input.publicHostname },
          clusterMetadata: { name: input.clusterId, description: "registered by its cluster agent" },
        };
        const admitted = await preChecks.check(
          { action: "add_cluster", clusterData: submitted },
          {
            actor: principal,
            target: input.clusterId,
            accept: (m) =>
              m.clusterData.id === input.clusterId ? null : "clusterData.id: it renames the cluster",
          },
        );
        await db.cluster.create({
          data: {
            id: input.clusterId,
            regionId: input.clusterId,
            status: "live",
            publicHostname: input.publicHostname,
            lastSeenAt: now,
            doc: admitted.clusterData as Prisma.InputJsonValue,
          },
        });
      } else {
        await db.cluster.update({
          where: { id: input.clusterId },
          data: { status: "live", lastSeenAt: now },
        });
      }
      const n = input.node;
      let nodeData: TAddNodeSpec["nodeData"] = {
        id: n.id,
        vcpus: { count: n.vcpus },
        memory: n.memoryMb,
        // The spec's `storage.disks` is a count; the devices themselves go beside it.
        storage: n.storage
          ? { disks: n.storage.disks.length, size: n.storageMb, devices: n.storage.disks }
          : { size: n.storageMb },
        gpus: {
          count: n.gpus.length,
          memory: n.gpus.reduce((s, g) => s + g.memoryMb, 0),
          gpus: n.gpus.map((g) => ({ modelName: g.modelName, memory: g.memoryMb })),
          modelNames: [...new Set(n.gpus.map((g) => g.modelName))],
        },
        nodeMetadata: { cpuModel: n.cpuModel, reportedBy: "agent" },
        driver: n.driver,
      };
      const known = await db.node.findUnique({ where: { id: n.id }, select: { clusterId: true } });
      if (!known) {
        const admitted = await preChecks.check(
          {
            action: "add_node",
            nodeData,
            clusterData: await clusterData(db, input.clusterId),
            clusterMetrics: await clusterMetrics(db, input.clusterId),
          },
          {
            clusterId: input.clusterId,
            actor: principal,
            target: n.id,
            accept: (m) => (m.nodeData.id === n.id ? null : `nodeData.id: it renames node ${n.id}`),
          },
        );
        // How the agent runs workloads is a fact about it, not the policy's to change.
        nodeData = { ...admitted.nodeData, driver: n.driver };
      }
      const node = await nodes.upsertReported(input.clusterId, nodeData);
      await audit.record(principal, {
        action: "agents.register",
        target: `${input.clusterId}/${n.id}`,
        input,
      });
      return { clusterId: input.clusterId, nodeId: node.id, queue: `cluster.${input.clusterId}` };
    },

    async heartbeat(input: TAgentHeartbeat, principal: Principal | null) {
      assertAgentCluster(principal, input.clusterId);
      assertAgentNode(principal, input.nodeId);
      const now = new Date();
      const updated = await db.node.updateMany({
        where: { id: input.nodeId, clusterId: input.clusterId },
        data: { lastSeenAt: now },
      });
      // Alive again; a node the stability checker called unstable stays so until its next verdict.
      await db.node.updateMany({
        where: { id: input.nodeId, clusterId: input.clusterId, status: { not: "unstable" } },
        data: { status: "ready" },
      });
      await db.cluster.updateMany({
        where: { id: input.clusterId },
        data: { lastSeenAt: now, status: "live" },
      });
      if (input.load) {
        await db.metricSample.createMany({
          data: Object.entries(input.load).map(([name, value]) => ({
            entityType: "node",
            entityId: input.nodeId,
            name,
            value,
            ts: now,
          })),
        });
      }
      if (input.gpus) await nodes.recordGpuStatus(input.nodeId, input.gpus, now);
      // A node the API does not know (e.g. removed meanwhile) makes the agent register again.
      return { known: updated.count > 0 };
    },
  };
}

export type AgentService = ReturnType<typeof createAgentService>;
