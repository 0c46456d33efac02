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

/** How long a call to the control queues may take before the API says they are unreachable. */
export const QUEUE_CALL_TIMEOUT_MS = 3000;

/**
 * How often `ask` reads an asked job: at first every millisecond (most answers are there within a
 * few), then after a quarter of the time waited so far (an answer is seen at most a quarter late),
 * at least every ASK_POLL_MAX_MS.
 */
export const ASK_POLL_MIN_MS = 1;
export const ASK_POLL_MAX_MS = 100;
export const askPauseMs = (waitedMs: number) =>
  Math.min(ASK_POLL_MAX_MS, Math.max(ASK_POLL_MIN_MS, waitedMs / 4));

/** The control queues (Redis, or BullMQ's PostgreSQL backend) did not answer in time. */
export class QueuesUnreachableError extends OperationalError {}

/**
 * The API's side of the control queues, jobs keyed by business key: one `cluster.<id>` queue per
 * cluster (its duty agent: policy jobs, functions, vDAG controllers, cluster commands) and one
 * `cluster.<id>.node.<nodeId>` queue per node (the blocks' work placed there). Every call is
 * bounded (`timeoutMs`): while Redis is down a command answers within seconds, naming it, instead
 * of waiting for it to come back (its client queues commands until it reconnects).
 */
export function createClusterQueues(queues: QueueBackend, opts: { timeoutMs?: number } = {}) {
  const timeoutMs = opts.timeoutMs ?? QUEUE_CALL_TIMEOUT_MS;
  const bounded = <T>(call: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new QueuesUnreachableError(
              `the control queues (${queues.kind === "redis" ? "Redis" : "PostgreSQL"}) did not answer within ${timeoutMs} ms (${what})`,
            ),
          ),
        timeoutMs,
      );
    });
    // A call that answers after the deadline is left to finish (the job id makes a late add harmless).
    call.catch(() => undefined);
    return Promise.race([call, late]).finally(() => clearTimeout(timer));
  };
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
        await bounded(
          queueOf(target).add(job.type, job, { jobId, ...DEFAULT_JOB_OPTIONS }),
          `queuing ${job.type}`,
        );
      } catch (err) {
        if (err instanceof QueuesUnreachableError) throw err;
        throw new OperationalError(
          `could not queue ${job.type} for ${agentOf(target).replace("the agent of ", "")}: ${(err as Error).message}`,
        );
      }
      return jobId;
    },

    /** How many jobs wait in a queue, not yet taken by its agent (delayed retries included). */
    async backlog(target: QueueTarget): Promise<number> {
      const c = await bounded(queueOf(target).counts(), "counting its waiting jobs");
      return (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0);
    },

    /**
     * Queues a job and waits for the agent's answer (its result), within `timeoutMs`. `forget`: the
     * answered job is removed at once rather than retained (a large answer read once).
     */
    async ask(
      target: QueueTarget,
      job: TClusterJob,
      timeoutMs = 10_000,
      opts: { forget?: boolean } = {},
    ): Promise<unknown> {
      const jobId = await this.enqueue(target, job);
      const queued = Date.now();
      const deadline = queued + timeoutMs;
      while (Date.now() < deadline) {
        const found = await bounded(queueOf(target).getJob(jobId), `reading the answer to ${job.type}`);
        if (found?.finishedOn && found.failedReason) {
          throw new OperationalError(`${agentOf(target)} failed ${job.type}: ${found.failedReason}`);
        }
        if (found?.finishedOn) {
          if (opts.forget) void found.remove().catch(() => undefined);
          return found.returnvalue;
        }
        await new Promise((r) => setTimeout(r, askPauseMs(Date.now() - queued)));
      }
      throw new OperationalError(`${agentOf(target)} did not answer ${job.type} within ${timeoutMs} ms`);
    },
  };
}

export type ClusterQueues = ReturnType<typeof createClusterQueues>;
