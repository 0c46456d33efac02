import { type ApiClient, isTransientApiError } from "@aios/client";
import {
  type TVdagControllerStatus,
  type TVdagQuotaChanges,
  vdagMetricSamples,
  ZVdagQuotaChanges,
  ZVdagQuotaRestored,
} from "@aios/contracts";
import { controlHeaders, fetchJson, type Logger } from "@aios/service-kit";
import type { Workload } from "../drivers/driver";
import type { LocalMetricsStore } from "../metrics/local-store";

/** What the agent keeps per controller for its state kept in the API. */
export interface ControllerState {
  /** The controller has the stored quota (or had its own counts when adopted). */
  quotaRestored: boolean;
  /** Drained quota changes the API did not take yet (merged with the next drain). */
  pendingQuota?: TVdagQuotaChanges | undefined;
  lastMetricsAt?: number;
}

/** Two drains as one: the later one's counts, total, version and policy state win. */
export function mergeQuotaChanges(a: TVdagQuotaChanges | undefined, b: TVdagQuotaChanges): TVdagQuotaChanges {
  if (!a) return b;
  const sessions = new Map(a.sessions.map((s) => [s.sessionId, s.count]));
  for (const s of b.sessions) sessions.set(s.sessionId, s.count);
  const policy = b.policy ?? a.policy;
  return {
    version: b.version,
    total: b.total,
    sessions: [...sessions].map(([sessionId, count]) => ({ sessionId, count })),
    ...(policy ? { policy } : {}),
  };
}

/**
 * A controller's state the API keeps so that it outlives the process: its quota (drained about every
 * second, handed back to a controller started again before it takes requests) and its figures as
 * metric history. When the controller process dies (`kill -9`, its host gone), what it counted
 * since the last drain is lost: at most one watch interval's requests (`AIOS_BLOCK_WATCH_MS`, 1 s
 * by default), plus any while the API could not be reached and the agent died with them.
 */
export function createControllerState(opts: {
  api: ApiClient;
  log: Logger;
  metricsIntervalMs: number;
  /** The node's local metrics store keeps the figures pushed (the cluster store). */
  localMetrics?: LocalMetricsStore | undefined;
}) {
  const { api, log } = opts;
  const control = (w: Workload) => controlHeaders(w.controlToken);

  /** Sends what is pending; drops it when the API refuses it for good (controller gone). */
  const flushQuota = async (controllerId: string, s: ControllerState) => {
    const changes = s.pendingQuota;
    if (!changes) return;
    try {
      await api.agents.work.reportVdagQuota.mutate({ controllerId, changes });
      s.pendingQuota = undefined;
    } catch (err) {
      if (isTransientApiError(err)) throw err;
      log.warn("quota changes refused; dropped", { controllerId, err: (err as Error).message });
      s.pendingQuota = undefined;
    }
  };

  return {
    flushQuota,

    /** The stored quota, read before the controller starts (it answers 503 until it has it). */
    storedQuota: (controllerId: string) => api.agents.work.vdagQuotaState.query({ controllerId }),

    /** Hands the stored quota to the controller (kept as is if it already had its counts). */
    async restoreQuota(
      controllerId: string,
      w: Workload,
      s: ControllerState,
      stored?: Awaited<ReturnType<ApiClient["agents"]["work"]["vdagQuotaState"]["query"]>>,
    ) {
      // What this agent drained from an earlier process goes first, so the stored state has it.
      await flushQuota(controllerId, s);
      const state = stored ?? (await api.agents.work.vdagQuotaState.query({ controllerId }));
      const answer = await fetchJson<unknown>(`${w.endpoint}/quota/state`, {
        method: "PUT",
        headers: { "content-type": "application/json", ...control(w) },
        body: JSON.stringify(state),
      });
      const { applied } = ZVdagQuotaRestored.parse(answer);
      s.quotaRestored = true;
      if (applied)
        log.info("vDAG controller quota restored", {
          controllerId,
          sessions: Object.keys(state.sessions).length,
        });
    },

    /** Drains the controller's quota changes into the API (kept for the next round if it is down). */
    async syncQuota(controllerId: string, w: Workload, s: ControllerState) {
      if (!s.quotaRestored) return;
      const drained = await fetchJson<unknown>(`${w.endpoint}/quota/changes`, {
        method: "POST",
        headers: control(w),
      });
      if (drained !== null)
        s.pendingQuota = mergeQuotaChanges(s.pendingQuota, ZVdagQuotaChanges.parse(drained));
      await flushQuota(controllerId, s);
    },

    /** Every `metricsIntervalMs`: the controller's figures as the vDAG's metric samples. */
    async pushMetrics(controllerId: string, w: Workload, s: ControllerState) {
      if (Date.now() - (s.lastMetricsAt ?? 0) < opts.metricsIntervalMs) return;
      s.lastMetricsAt = Date.now();
      const status = await fetchJson<TVdagControllerStatus>(`${w.endpoint}/status`).catch(() => undefined);
      if (!status) return;
      opts.localMetrics?.recordSamples(vdagMetricSamples(status.vdagURI, status));
      await api.agents.work.reportVdagMetrics
        .mutate({ controllerId, status })
        .catch((err: Error) => log.warn("vDAG metrics push failed", { controllerId, err: err.message }));
    },
  };
}
