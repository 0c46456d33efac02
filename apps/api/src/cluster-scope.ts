import { ForbiddenError } from "./errors";

/**
 * An agent token acts for one cluster, its scope: what it reaches must be on that cluster. `scope`
 * null is a caller not bound to a cluster (an admin, or open mode), who may reach every cluster.
 * `subject` names what was reached when it is not the cluster itself (`controller c-1`).
 */
export function assertClusterScope(scope: string | null, clusterId: string | null, subject?: string): void {
  if (scope === null || clusterId === scope) return;
  throw new ForbiddenError(
    subject
      ? `${subject} is on cluster ${clusterId}; this agent token belongs to cluster ${scope}`
      : `this agent token belongs to cluster ${scope}, not ${clusterId}`,
  );
}
