import type { Db, Prisma } from "@aios/db";
import type { Principal } from "../../context";
import { ForbiddenError } from "../../errors";
import type { AuditService } from "../audit/audit.service";
import type { NodeService } from "../nodes/node.service";
import type { TAgentHeartbeat, TAgentRegistration } from "./agent.types";

/**
 * Cluster agents report what they run on. An agent token is scoped to one cluster; a registration
 * creates that cluster if no spec created it first, and always refreshes the agent's own node.
 */
export function createAgentService(deps: { db: Db; nodes: NodeService; audit: AuditService }) {
  const { db, nodes, audit } = deps;
  return {
    async register(input: TAgentRegistration, principal: Principal | null) {
      assertScope(principal, input.clusterId);
      const now = new Date();
      const existing = await db.cluster.findUnique({ where: { id: input.clusterId } });
      if (!existing) {
        await db.cluster.create({
          data: {
            id: input.clusterId,
            regionId: input.clusterId,
            status: "live",
            publicHostname: input.publicHostname,
            lastSeenAt: now,
            doc: {
              id: input.clusterId,
              regionId: input.clusterId,
              status: "live",
              config: { publicHostname: input.publicHostname },
              clusterMetadata: { name: input.clusterId, description: "registered by its cluster agent" },
            } as Prisma.InputJsonValue,
          },
        });
      } else {
        await db.cluster.update({
          where: { id: input.clusterId },
          data: { status: "live", lastSeenAt: now },
        });
      }
      const n = input.node;
      const node = await nodes.upsertReported(input.clusterId, {
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
      });
      await audit.record(principal, {
        action: "agents.register",
        target: `${input.clusterId}/${n.id}`,
        input,
      });
      return { clusterId: input.clusterId, nodeId: node.id, queue: `cluster.${input.clusterId}` };
    },

    async heartbeat(input: TAgentHeartbeat, principal: Principal | null) {
      assertScope(principal, input.clusterId);
      const now = new Date();
      const updated = await db.node.updateMany({
        where: { id: input.nodeId, clusterId: input.clusterId },
        data: { lastSeenAt: now, status: "ready" },
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
      // A node the API does not know (e.g. removed meanwhile) makes the agent register again.
      return { known: updated.count > 0 };
    },
  };
}

export type AgentService = ReturnType<typeof createAgentService>;

function assertScope(principal: Principal | null, clusterId: string) {
  if (principal?.role === "agent" && principal.scope !== clusterId) {
    throw new ForbiddenError(`this agent token belongs to cluster ${principal.scope}, not ${clusterId}`);
  }
}
