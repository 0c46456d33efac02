import {
  clusterQueueName,
  DEFAULT_JOB_OPTIONS,
  jobIdFor,
  nodeQueueName,
  type TClusterJob,
} from "@aios/contracts";
import { asked, type QueueBackend, type QueueHandle } from "@aios/queue";
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
 * How often `ask` reads an asked job. Without the reply channel: at first every millisecond (most
 * answers are there within a few), then after a quarter of the time waited so far (an answer is
 * seen at most a quarter late), at least every ASK_POLL_MAX_MS. With the reply channel listening,
 * the answer comes as a message; the job is read only in case the message is lost or none comes (a
 * failure, an answer too large for it, a job answered before): first after ASK_POLL_REPLY_MIN_MS.
 */
export const ASK_POLL_MIN_MS = 1;
export const ASK_POLL_REPLY_MIN_MS = 20;
export const ASK_POLL_MAX_MS = 100;
export const askPauseMs = (waitedMs: number, replyLive = false) =>
  Math.min(ASK_POLL_MAX_MS, Math.max(replyLive ? ASK_POLL_REPLY_MIN_MS : ASK_POLL_MIN_MS, waitedMs / 4));

/** The control queues (Redis, or BullMQ's PostgreSQL backend) did not answer in time. */
export class QueuesUnreachableError extends OperationalError {}

/**
 * A job's own id for work asked once (a log read, a command, a reconcile nobody's revision
 * names): `<prefix>-<time>-<random>`, so each request is a job of its own.
 */
export const newRequestId = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

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
    async enqueue(target: QueueTarget, job: TClusterJob, opts: { reply?: boolean } = {}): Promise<string> {
      const jobId = jobIdFor(job);
      try {
        await bounded(
          queueOf(target).add(job.type, opts.reply ? asked(job) : job, {
            jobId,
            ...DEFAULT_JOB_OPTIONS,
          }),
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
     * Queues a job and waits for the agent's answer (its result), within `timeoutMs`: by the reply
     * channel as soon as the agent has it, else read from the finished job. `forget`: the answered
     * job is removed at once rather than retained (a large answer read once; never by the channel,
     * which answers before the job is finished).
     */
    async ask(
      target: QueueTarget,
      job: TClusterJob,
      timeoutMs = 10_000,
      opts: { forget?: boolean } = {},
    ): Promise<unknown> {
      const reply = opts.forget ? undefined : queues.replies.expect(queueNameOf(target), jobIdFor(job));
      const replied = reply?.answer.then((value) => ({ value }));
      try {
        const jobId = await this.enqueue(target, job, { reply: reply !== undefined });
        const queued = Date.now();
        const deadline = queued + timeoutMs;
        const live = reply?.live ?? false;
        let read = !live;
        while (Date.now() < deadline) {
          if (read) {
            const found = await bounded(queueOf(target).getJob(jobId), `reading the answer to ${job.type}`);
            if (found?.finishedOn && found.failedReason) {
              throw new OperationalError(`${agentOf(target)} failed ${job.type}: ${found.failedReason}`);
            }
            if (found?.finishedOn) {
              if (opts.forget) void found.remove().catch(() => undefined);
              return found.returnvalue;
            }
          }
          read = true;
          const pause = Math.min(askPauseMs(Date.now() - queued, live), Math.max(0, deadline - Date.now()));
          let timer: NodeJS.Timeout | undefined;
          const paused = new Promise<undefined>((r) => {
            timer = setTimeout(() => r(undefined), pause);
          });
          const answered = await (replied ? Promise.race([replied, paused]) : paused);
          clearTimeout(timer);
          if (answered) return answered.value;
        }
        throw new OperationalError(`${agentOf(target)} did not answer ${job.type} within ${timeoutMs} ms`);
      } finally {
        reply?.cancel();
      }
    },
  };
}

export type ClusterQueues = ReturnType<typeof createClusterQueues>;
