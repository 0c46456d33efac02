import { clusterScopeOf, nodeScopeOf, type Principal } from "../../auth/principal";
import { assertClusterScope } from "../../cluster-scope";
import { ForbiddenError } from "../../errors";

/**
 * The cluster an agents' procedure may reach for its caller: an agent token's own cluster, or null
 * for an admin (every cluster). An agent token issued without a cluster speaks for none.
 */
export function agentScope(principal: Principal | null): string | null {
  if (principal?.role !== "agent") return null;
  if (!principal.scope) throw new ForbiddenError("this agent token belongs to no cluster");
  return clusterScopeOf(principal);
}

/** Refuses an agent token reaching another cluster's state (403 naming both clusters). */
export function assertAgentCluster(principal: Principal | null, clusterId: string): void {
  assertClusterScope(agentScope(principal), clusterId);
}

/** Refuses an agent token bound to one node (joined with a node id) speaking for another node. */
export function assertAgentNode(principal: Principal | null, nodeId: string): void {
  const node = principal ? nodeScopeOf(principal) : null;
  if (node !== null && node !== nodeId) {
    throw new ForbiddenError(`this agent token belongs to node ${node}, not ${nodeId}`);
  }
}
