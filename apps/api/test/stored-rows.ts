import type { Db } from "@aios/db";

/**
 * How many rows every registry holds, for "a refused request stores nothing": compare before and
 * after. Audit events are left out (a refusal may be audited by design); tasks are in.
 */
export async function storedRows(db: Db): Promise<Record<string, number>> {
  const [
    clusters,
    nodes,
    components,
    blocks,
    policies,
    policyVersions,
    functions,
    graphs,
    jobs,
    vdags,
    tasks,
  ] = await Promise.all([
    db.cluster.count(),
    db.node.count(),
    db.component.count(),
    db.block.count(),
    db.policy.count(),
    db.policyVersion.count(),
    db.policyFunction.count(),
    db.policyGraph.count(),
    db.policyJob.count(),
    db.vdag.count(),
    db.task.count(),
  ]);
  return {
    clusters,
    nodes,
    components,
    blocks,
    policies,
    policyVersions,
    functions,
    graphs,
    jobs,
    vdags,
    tasks,
  };
}
