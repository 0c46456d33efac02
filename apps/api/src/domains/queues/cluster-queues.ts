import type { QueueBackend, QueueHandle } from "@aios/queue";
import { clusterQueueName, DEFAULT_JOB_OPTIONS, jobIdFor, type TClusterJob } from "@aios/spec";
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
  };
}

export type ClusterQueues = ReturnType<typeof createClusterQueues>;
