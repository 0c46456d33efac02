/** Why an instance is placed: the resourceAllocator's actions (reference §7, §5.5). */
export type PlacementAction = "allocation" | "scale" | "reassignment";

export interface PlacementRequest {
  /** Instances the executor asked to replace (unhealthy): stopped, and placed again elsewhere. */
  replace?: string[];
  /** Instances to stop first when the block scales down (the autoscaler's `instancesList`). */
  victims?: string[];
  /** The desired state changed (a command): a new revision even when the placement stays. */
  bump?: boolean;
  /** A new desired count, stored with the placement in its last statement (`resize`). */
  desiredInstances?: number;
}

/** What one placement pass changed, and the nodes whose agents must look again. */
export interface PlacementOutcome {
  changed: boolean;
  nodes: string[];
  revision: number;
  /** Why not every instance could be placed (kept on the block until a pass places them all). */
  problem: string | null;
}
