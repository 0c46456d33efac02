import { type ApiClient, isTransientApiError } from "@aios/client";
import type { TBlockEventJob } from "@aios/contracts";
import type { SandboxLimits } from "@aios/policy-runtime";
import type { SandboxProcess } from "@aios/policy-runtime/sandbox";
import { UnrecoverableError } from "bullmq";
import { runPolicyOnce } from "./policy-run";
import type { JobHandlers } from "./registry";

/**
 * The block events' policies of this cluster (`block.event` jobs of its queue, taken while this
 * agent holds the cluster's duties): one at a time per block, in the order the jobs were taken
 * (the order the events came; a job retried after a failure comes later). For each, the policy is
 * fetched from the API, run once in the policy sandbox on the event, and its result reported; the
 * API stores it with the event and does what its output asks for (the authority is there). A
 * redelivered job whose event has its outcome already is not run again.
 */
export function blockEventHandler(
  api: ApiClient,
  limits: Partial<SandboxLimits>,
  sandbox?: SandboxProcess,
): NonNullable<JobHandlers["block.event"]> {
  /** Per block: the tail of its runs. */
  const turns = new Map<string, Promise<unknown>>();
  // Not async: the run takes its place in its block's turn as the job is handed over, before any wait.
  return (job, ctx) => {
    const { blockId } = job.event;
    const run = (turns.get(blockId) ?? Promise.resolve()).then(() => runEventPolicy(api, job, ctx.clusterId));
    const tail = run.catch(() => undefined);
    turns.set(blockId, tail);
    void tail.then(() => {
      if (turns.get(blockId) === tail) turns.delete(blockId);
    });
    return run;
  };

  async function runEventPolicy(api: ApiClient, job: TBlockEventJob, clusterId: string) {
    const { event, handler } = job;
    const { policyRuleURI } = handler;
    try {
      const work = await api.agents.work.blockEventPolicy.mutate({ eventId: event.id, handler });
      if (!work.source) return { eventId: event.id, ran: false };
      // The event policy's input, as `ZEventInput` declares it.
      const input = {
        blockId: event.blockId,
        ...(event.instanceId ? { instanceId: event.instanceId } : {}),
        ...(event.clusterId ? { clusterId: event.clusterId } : {}),
        eventName: event.name,
        eventData: event.data,
      };
      // ctx.query: its own cluster's metrics, read through the API with the agent's token.
      const query = (q: unknown) => api.agents.work.metricsQuery.query({ clusterId, query: q });
      const result = await runPolicyOnce(work.source, input, limits, sandbox, query);
      // The outcome keeps the output or the error; the logs stay here.
      const reported = await api.agents.work.blockEventOutcome.mutate({
        eventId: event.id,
        policyRuleURI,
        result: { ...result, logs: [] },
      });
      return { eventId: event.id, ran: true, ok: result.ok, stored: reported.stored };
    } catch (err) {
      // Refused or invalid: retrying will not help. Out of reach: the queue retries it.
      if (isTransientApiError(err)) throw err;
      throw new UnrecoverableError(`event ${event.id} of block ${event.blockId}: ${(err as Error).message}`);
    }
  }
}
