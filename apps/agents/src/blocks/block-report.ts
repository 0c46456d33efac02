import type { ApiClient } from "@aios/client";
import { MAX_BLOCK_EVENTS_PER_REPORT } from "@aios/contracts";
import type { Logger } from "@aios/service-kit";
import type { LocalMetricsStore } from "../metrics/local-store";
import { type HostedBlock, instanceList } from "./block-processes";
import { type ExecutorStatus, executorClient, metricSamples } from "./executor-client";
import { drainInstanceEvents } from "./instance-calls";

/** Instances' events the agent holds while the API cannot take them; past it the oldest are dropped. */
const MAX_HELD_EVENTS = 1000;

/**
 * Reports a block's processes to the API (what changed since the last report, or everything when
 * forced), with the instances' states as the executor's health checker sees them; every
 * `metricsIntervalMs` (default 10 s) the executor's figures go along as metric samples.
 */
export function createBlockReporter(deps: {
  api: ApiClient;
  log: Logger;
  nodeId: string;
  metricsIntervalMs?: number | undefined;
  /** The node's local metrics store: it keeps the samples pushed (the cluster store). */
  localMetrics?: LocalMetricsStore | undefined;
}) {
  const { api, log } = deps;
  return async (blockId: string, b: HostedBlock, force = false): Promise<void> => {
    let status: ExecutorStatus = {};
    if (b.executor) status = await executorClient.status(b.executor).catch(() => status);
    // The executor's health checker speaks for every instance of the block, on whichever node,
    // each verdict about the endpoint the executor was given (a draining old one says nothing).
    const endpoints = new Map(instanceList(b).map((i) => [i.id, i.endpoint]));
    const health = (status.instances ?? []).flatMap((i) => {
      const endpoint = endpoints.get(i.id);
      if (!endpoint || i.state === "draining") return [];
      const state = i.state === "healthy" ? "healthy" : i.state === "unhealthy" ? "unhealthy" : "starting";
      return [{ id: i.id, endpoint, state: state as "healthy" | "unhealthy" | "starting" }];
    });
    // The instances' own events (`ctx.emitEvent`), forwarded with this report.
    const drained = await Promise.all([...b.instances].map(([id, w]) => drainInstanceEvents(id, w, log)));
    b.events = [...(b.events ?? []), ...drained.flat()].slice(-MAX_HELD_EVENTS);
    const instances = [...b.instances.entries()].map(([id, w]) => ({
      id,
      endpoint: w.endpoint,
      // The executor, maybe on another node, sends it on the instance's `/infer`.
      dataToken: w.dataToken,
    }));
    if (status.instances && Date.now() - (b.lastMetricsAt ?? 0) >= (deps.metricsIntervalMs ?? 10_000)) {
      b.lastMetricsAt = Date.now();
      const samples = metricSamples(blockId, status);
      deps.localMetrics?.recordSamples(samples);
      await api.agents.work.reportMetrics
        .mutate({ samples })
        .catch((err: Error) => log.warn("metrics push failed", { blockId, err: err.message }));
    }
    const body = {
      blockId,
      nodeId: deps.nodeId,
      executorEndpoint: b.executor?.endpoint ?? null,
      // The executor's `/infer` takes it; the API sends it there and hands it to vDAG controllers.
      executorDataToken: b.executor?.dataToken ?? null,
      instances,
      ...(b.executor ? { health } : {}),
      ...(b.failure ? { failure: b.failure } : {}),
      ...(b.ended?.length ? { ended: b.ended } : {}),
      ...(b.events.length ? { events: b.events.slice(0, MAX_BLOCK_EVENTS_PER_REPORT) } : {}),
    };
    const key = JSON.stringify(body);
    if (!force && key === b.lastReport) return;
    // Kept once the API took it: a report it could not take (its database restarting) goes again.
    await api.agents.work.reportBlock.mutate(body);
    b.lastReport = key;
    if (body.ended) b.ended = b.ended?.slice(body.ended.length);
    if (body.events) b.events = b.events.slice(body.events.length);
  };
}
