import type { Db } from "@aios/db";

/** Each registry's row count. Audit events are left out (a refusal may be audited by design); tasks are in. */
const COUNTS: Record<string, (db: Db) => Promise<number>> = {
  clusters: (db) => db.cluster.count(),
  nodes: (db) => db.node.count(),
  components: (db) => db.component.count(),
  blocks: (db) => db.block.count(),
  policies: (db) => db.policy.count(),
  policyVersions: (db) => db.policyVersion.count(),
  functions: (db) => db.policyFunction.count(),
  graphs: (db) => db.policyGraph.count(),
  jobs: (db) => db.policyJob.count(),
  vdags: (db) => db.vdag.count(),
  tasks: (db) => db.task.count(),
};

/** How many rows every registry holds, for "a refused request stores nothing": compare before and after. */
export async function storedRows(db: Db): Promise<Record<string, number>> {
  const counted = await Promise.all(
    Object.entries(COUNTS).map(async ([registry, count]) => [registry, await count(db)] as const),
  );
  return Object.fromEntries(counted);
}
