import { clusterQueueName, type TClusterJob } from "@aios/contracts";
import { dryRunPolicy } from "@aios/policy-runtime";
import type { QueueBackend } from "@aios/queue";
import type { Caller } from "./harness";

/**
 * Plays a cluster's duty holder for its block events' policies, as the agent does
 * (apps/agents/src/jobs/block-event.ts): takes the `block.event` jobs of the cluster's real queue,
 * fetches each policy through `agents.work.blockEventPolicy`, runs it in a fresh sandbox and
 * reports the result through `agents.work.blockEventOutcome`, with the cluster's agent as caller.
 * `drained` resolves once the queue has nothing waiting or running.
 */
export function startEventDutyHolder(queues: QueueBackend, clusterId: string, agent: Caller) {
  const name = clusterQueueName(clusterId);
  const queue = queues.queue<TClusterJob>(name);
  const worker = queues.worker<TClusterJob, unknown>(
    name,
    async (job) => {
      const data = job.data;
      if (data.type !== "block.event") throw new Error(`not a job of this test: ${data.type}`);
      const { event, handler } = data;
      const work = await agent.agents.work.blockEventPolicy({ eventId: event.id, handler });
      if (!work.source) return { ran: false };
      const input = {
        blockId: event.blockId,
        ...(event.instanceId ? { instanceId: event.instanceId } : {}),
        ...(event.clusterId ? { clusterId: event.clusterId } : {}),
        eventName: event.name,
        eventData: event.data,
      };
      const r = await dryRunPolicy({ ...work.source, input });
      const result = {
        ok: r.ok,
        ...(r.output !== undefined ? { output: r.output } : {}),
        ...(r.error ? { error: r.error } : {}),
        logs: [],
        durationMs: r.durationMs,
      };
      await agent.agents.work.blockEventOutcome({
        eventId: event.id,
        policyRuleURI: handler.policyRuleURI,
        result,
      });
      return { ran: true };
    },
    // One at a time: the order the events came, as the agent keeps it per block.
    { concurrency: 1 },
  );
  return {
    queue,
    async drained() {
      for (;;) {
        const c = await queue.counts();
        if ((c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
