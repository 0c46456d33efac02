import {
  clusterQueueName,
  DEFAULT_JOB_OPTIONS,
  jobIdFor,
  nodeQueueName,
  type TClusterJob,
} from "@aios/contracts";
import type { QueueBackend, QueueHandle } from "@aios/queue";
import { OperationalError } from "../../errors";

/** A cluster (its duty agent's queue) or one node of it (that node's agent's queue). */
export type QueueTarget = string | { clusterId: string; nodeId: string };

const queueNameOf = (t: QueueTarget) =>
  typeof t === "string" ? clusterQueueName(t) : nodeQueueName(t.clusterId, t.nodeId);
const agentOf = (t: QueueTarget) =>
  typeof t === "string"
    ? `the agent of cluster ${t}`
    : `the agent of node ${t.nodeId} (cluster ${t.clusterId})`;

/**
 * The API's side of the control queues, jobs keyed by business key: one `cluster.<id>` queue per
 * cluster (its duty agent: policy jobs, functions, vDAG controllers, cluster commands) and one
 * `cluster.<id>.node.<nodeId>` queue per node (the blocks' work placed there).
 */
export function createClusterQueues(queues: QueueBackend) {
  const handles = new Map<string, QueueHandle<TClusterJob>>();
  const queueOf = (target: QueueTarget) => {
    const name = queueNameOf(target);
    let q = handles.get(name);
    if (!q) {
      q = queues.queue<TClusterJob>(name);
      handles.set(name, q);
    }
    return q;
  };
  return {
    async enqueue(target: QueueTarget, job: TClusterJob): Promise<string> {
      const jobId = jobIdFor(job);
      try {
        await queueOf(target).add(job.type, job, { jobId, ...DEFAULT_JOB_OPTIONS });
      } catch (err) {
        throw new OperationalError(
          `could not queue ${job.type} for ${agentOf(target).replace("the agent of ", "")}: ${(err as Error).message}`,
        );
      }
      return jobId;
    },

    /** Queues a job and waits for the agent's answer (its result), within `timeoutMs`. */
    async ask(target: QueueTarget, job: TClusterJob, timeoutMs = 10_000): Promise<unknown> {
      const jobId = await this.enqueue(target, job);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = await queueOf(target).getJob(jobId);
        if (found?.finishedOn && found.failedReason) {
          throw new OperationalError(`${agentOf(target)} failed ${job.type}: ${found.failedReason}`);
        }
        if (found?.finishedOn) return found.returnvalue;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new OperationalError(`${agentOf(target)} did not answer ${job.type} within ${timeoutMs} ms`);
    },
  };
}

export type ClusterQueues = ReturnType<typeof createClusterQueues>;
