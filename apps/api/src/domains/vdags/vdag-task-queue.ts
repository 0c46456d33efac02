import type { QueueBackend, QueueHandle } from "@aios/queue";
import { z } from "zod";

/**
 * The queue of async vDAG requests: produced and consumed by the API processes alone (every API
 * process runs a worker), so its contract lives here rather than in `@aios/contracts`. A job
 * carries only the task's id (its business key and its job id); the request, its caller and its
 * state are in the task's row, which the processor re-reads: a duplicate or replayed job finds the
 * task finished and does nothing.
 */
export const VDAG_TASK_QUEUE = "api.vdag-tasks";

export const ZVdagTaskJob = z.object({ taskId: z.string().min(1).max(100) });
export type TVdagTaskJob = z.infer<typeof ZVdagTaskJob>;

/**
 * A job is retried only when the processor itself failed (the database unreachable): the
 * controller's answer, whatever it is, is the task's outcome. Finished jobs are kept a while for
 * inspection; the task's row is what clients read.
 */
export const VDAG_TASK_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
} as const;

/** BullMQ's states of a job that a worker will still take (or holds: an active one). */
const LIVE_STATES = new Set(["waiting", "prioritized", "delayed", "active", "waiting-children"]);

export function vdagTaskQueue(queues: QueueBackend) {
  let handle: QueueHandle<TVdagTaskJob> | undefined;
  const queue = () => {
    handle ??= queues.queue<TVdagTaskJob>(VDAG_TASK_QUEUE);
    return handle;
  };
  return {
    /** Queues a task's job; a second add of the same task while its job is kept is a no-op. */
    async add(taskId: string): Promise<void> {
      await queue().add("vdag.infer", { taskId }, { jobId: taskId, ...VDAG_TASK_JOB_OPTIONS });
    },

    /**
     * Whether a worker will take the task's job (or holds it). A finished job (kept for
     * inspection) is removed so that the task can be queued again under the same id.
     */
    async isLive(taskId: string): Promise<boolean> {
      const job = await queue().getJob(taskId);
      if (!job) return false;
      if (LIVE_STATES.has(await job.getState())) return true;
      await job.remove().catch(() => undefined); // another process removed it first: the same
      return false;
    },

    async counts() {
      return queue().counts();
    },
  };
}

export type VdagTaskQueue = ReturnType<typeof vdagTaskQueue>;
