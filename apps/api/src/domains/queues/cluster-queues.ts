import { clusterQueueName, DEFAULT_JOB_OPTIONS, jobIdFor, type TClusterJob } from "@aios/contracts";
import type { QueueBackend, QueueHandle } from "@aios/queue";
import { OperationalError } from "../../errors";

/** The API's side of the control queues: one `cluster.<id>` queue per cluster, jobs keyed by business key. */
export function createClusterQueues(queues: QueueBackend) {
  const handles = new Map<string, QueueHandle<TClusterJob>>();
  const queueOf = (clusterId: string) => {
    let q = handles.get(clusterId);
    if (!q) {
      q = queues.queue<TClusterJob>(clusterQueueName(clusterId));
      handles.set(clusterId, q);
    }
    return q;
  };
  return {
    async enqueue(clusterId: string, job: TClusterJob): Promise<string> {
      const jobId = jobIdFor(job);
      try {
        await queueOf(clusterId).add(job.type, job, { jobId, ...DEFAULT_JOB_OPTIONS });
      } catch (err) {
        throw new OperationalError(
          `could not queue ${job.type} for cluster ${clusterId}: ${(err as Error).message}`,
        );
      }
      return jobId;
    },

    /** Queues a job and waits for the agent's answer (its result), within `timeoutMs`. */
    async ask(clusterId: string, job: TClusterJob, timeoutMs = 10_000): Promise<unknown> {
      const jobId = await this.enqueue(clusterId, job);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = await queueOf(clusterId).getJob(jobId);
        if (found?.finishedOn && found.failedReason) {
          throw new OperationalError(
            `the agent of cluster ${clusterId} failed ${job.type}: ${found.failedReason}`,
          );
        }
        if (found?.finishedOn) return found.returnvalue;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new OperationalError(
        `the agent of cluster ${clusterId} did not answer ${job.type} within ${timeoutMs} ms`,
      );
    },
  };
}

export type ClusterQueues = ReturnType<typeof createClusterQueues>;
