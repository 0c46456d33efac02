import { controlHeaders, fetchJson } from "@aios/service-kit";
import type { Workload } from "../drivers/driver";

/** The agent's side of the executor's control endpoints (see @aios/block-runtime's README). */
export interface ExecutorDesired {
  generation: number;
  scaleTo: number;
  remove: string[];
  replace: string[];
  replaceReasons: Record<string, string>;
}

export type InstanceState = "starting" | "healthy" | "unhealthy" | "draining";

/** Calls on the executor workload, with its control token (`authorization: Bearer`). */
export const executorClient = {
  /** The block's instances, each with its data token (the executor sends it on the instance's `/infer`). */
  putInstances: (
    executor: Workload,
    instances: Array<{ id: string; endpoint: string; dataToken?: string }>,
  ) =>
    fetchJson(`${executor.endpoint}/instances`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...controlHeaders(executor.controlToken) },
      body: JSON.stringify({ instances }),
    }),
  desired: (executor: Workload) =>
    fetchJson<ExecutorDesired>(`${executor.endpoint}/desired`, {
      headers: controlHeaders(executor.controlToken),
    }),
  /** The executor's live figures; each instance's state as its health checker sees it. */
  status: (executor: Workload) => fetchJson<ExecutorStatus>(`${executor.endpoint}/status`),
};

export interface ExecutorStatus {
  inFlight?: number;
  tasks?: Record<string, number>;
  instances?: Array<{
    id: string;
    state: InstanceState;
    inFlight?: number;
    latencyP50Ms?: number | null;
    tasks?: { completed?: number; failed?: number };
  }>;
}

/** The executor's figures as metric samples of the block and of each instance. */
export function metricSamples(blockId: string, status: ExecutorStatus) {
  const samples: Array<{ entityType: "block" | "instance"; entityId: string; name: string; value: number }> =
    [];
  const add = (entityType: "block" | "instance", entityId: string, name: string, value: unknown) => {
    if (typeof value === "number" && Number.isFinite(value))
      samples.push({ entityType, entityId, name, value });
  };
  const instances = status.instances ?? [];
  add("block", blockId, "in_flight", status.inFlight);
  add("block", blockId, "instances_healthy", instances.filter((i) => i.state === "healthy").length);
  for (const [outcome, n] of Object.entries(status.tasks ?? {}))
    add("block", blockId, `tasks_total.${outcome}`, n);
  for (const i of instances) {
    const id = `${blockId}/${i.id}`;
    add("instance", id, "in_flight", i.inFlight);
    add("instance", id, "latency_p50_ms", i.latencyP50Ms);
    add("instance", id, "tasks_completed", i.tasks?.completed);
    add("instance", id, "tasks_failed", i.tasks?.failed);
  }
  return samples;
}
