import type { TClusterJob } from "@aios/contracts";

type JobOf<T extends TClusterJob["type"]> = Extract<TClusterJob, { type: T }>;

export interface JobContext {
  clusterId: string;
  jobId: string;
  attempt: number;
}

/** One handler per cluster job type; e.g. block.reconcile, policy.run, function.reconcile. */
export type JobHandlers = {
  [T in TClusterJob["type"]]?: (job: JobOf<T>, ctx: JobContext) => Promise<unknown>;
};

export class UnknownJobError extends Error {}

export function createJobDispatcher(handlers: JobHandlers) {
  return async (job: TClusterJob, ctx: JobContext): Promise<unknown> => {
    const handler = handlers[job.type] as ((j: TClusterJob, c: JobContext) => Promise<unknown>) | undefined;
    if (!handler) {
      throw new UnknownJobError(`this agent has no handler for job type ${JSON.stringify(job.type)}`);
    }
    return handler(job, ctx);
  };
}
