import type { TPolicyFunctionRecord } from "@aios/contracts";

export interface ReplicaCounts {
  desired: number;
  ready: number;
  starting: number;
  failed: number;
}

/** What the agent last reported for a function, against its desired replica count (stopped ones do not count). */
export function replicaCounts(f: Pick<TPolicyFunctionRecord, "replicas" | "replicaStates">): ReplicaCounts {
  const count = (status: string) => f.replicaStates.filter((r) => r.status === status).length;
  return { desired: f.replicas, ready: count("ready"), starting: count("starting"), failed: count("failed") };
}
