import { fieldIssues, issuesLine, ZClusterJob } from "@aios/contracts";
import type { QueueBackend, WorkerHandle } from "@aios/queue";
import type { Logger } from "@aios/service-kit";
import { UnrecoverableError } from "bullmq";
import { createJobDispatcher, type JobHandlers } from "./jobs/registry";

/**
 * Consumes one of the agent's queues (its cluster's `cluster.<id>` while it holds the duties, its
 * node's always): validates each payload, then dispatches it by type.
 */
export function startClusterWorker(opts: {
  queues: QueueBackend;
  queueName: string;
  clusterId: string;
  handlers: JobHandlers;
  log: Logger;
}): WorkerHandle {
  const dispatch = createJobDispatcher(opts.handlers);
  const worker = opts.queues.worker(opts.queueName, async (job) => {
    const parsed = ZClusterJob.safeParse(job.data);
    if (!parsed.success) {
      // A malformed payload will not get better by retrying.
      const detail = issuesLine(fieldIssues(parsed.error, "(payload)"));
      throw new UnrecoverableError(`invalid ${String(job.name)} job payload: ${detail}`);
    }
    const ctx = { clusterId: opts.clusterId, jobId: String(job.id), attempt: job.attemptsMade + 1 };
    opts.log.debug("job", { type: parsed.data.type, jobId: ctx.jobId, attempt: ctx.attempt });
    return dispatch(parsed.data, ctx);
  });
  worker.on("failed", (job, err) => {
    opts.log.warn("job failed", { jobId: job?.id, name: job?.name, err: err.message });
  });
  return worker;
}
