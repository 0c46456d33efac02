import { type ApiClient, isTransientApiError } from "@aios/client";
import {
  type TQualitySample,
  type TVdagControlAnswer,
  type TVdagControlJob,
  type TVdagControllerConfig,
  type TVdagControllerStatus,
  vdagControlRoute,
} from "@aios/contracts";
import { controlHeaders, fetchJson, type Logger, newControlToken, newDataToken } from "@aios/service-kit";
import { controllerEntry } from "@aios/vdag-runtime/entry";
import { configHash, type Driver, DriverClosedError, hasExited, type Workload } from "../drivers/driver";
import type { ScrapeTarget } from "../metrics/agent-metrics";
import type { LocalMetricsStore } from "../metrics/local-store";
import { type Queued, Reconciler } from "../reconciler";
import { type ControllerState, createControllerState } from "./controller-state";

const SUFFIX = "-vdag-controller";

/** The controller a workload is, from its name (`<controllerId>-vdag-controller`). */
export function controllerOfWorkload(name: string): string | null {
  return name.endsWith(SUFFIX) ? name.slice(0, -SUFFIX.length) : null;
}

interface HostedController extends Queued, ControllerState {
  workload: Workload | null;
  /** Hash of the configuration the running process has. */
  configKey: string;
  lastReport: string;
  adopted?: boolean;
  /** Its desired state was not read since the last try failed or the process ended: the next tick reads it. */
  stale: boolean;
}

/**
 * Runs this cluster's vDAG controllers through the driver (like block executors: they outlive an
 * agent restart and are adopted). The desired configuration is read when the API says it changed
 * (a `vdag.reconcile` job: the vDAG created or removed, a block of its plan with a new executor,
 * which the controller is then handed with `PUT /config`), at the 30 s resync, and on every tick
 * while the last try failed; each tick restarts a crashed controller and reports its status and
 * health to the API when they changed. An idle controller costs the API nothing a second.
 */
export function createVdagSupervisor(opts: {
  api: ApiClient;
  driver: Driver;
  log: Logger;
  /** How often each controller's figures are pushed to the API as metric samples (default 10 s). */
  metricsIntervalMs?: number | undefined;
  /** The node's local metrics store: it keeps the figures pushed. */
  localMetrics?: LocalMetricsStore | undefined;
}) {
  const { api, driver, log } = opts;
  const state = createControllerState({
    api,
    log,
    metricsIntervalMs: opts.metricsIntervalMs ?? 10_000,
    localMetrics: opts.localMetrics,
  });
  const controllers = new Reconciler<HostedController>({
    driver,
    newHost: () => ({ workload: null, configKey: "", lastReport: "", quotaRestored: false, stale: true }),
    reconcile: (id, c) => reconcileNow(id, c),
    tick: (id, c) => tickNow(id, c),
    wanted: (clusterId) => api.agents.work.desiredVdagControllers.query({ clusterId }),
    ownerOf: controllerOfWorkload,
    stop: (c) => stop(c),
    failed: (id, err) => log.warn("vDAG controller work failed", { controllerId: id, err: err.message }),
  });
  const hosted = controllers.hosted;

  const report = async (
    controllerId: string,
    c: HostedController,
    extra: { failure?: string; force?: boolean } = {},
  ) => {
    let status: TVdagControllerStatus | undefined;
    if (c.workload)
      status = await fetchJson<TVdagControllerStatus>(`${c.workload.endpoint}/status`).catch(() => undefined);
    const body = {
      controllerId,
      url: c.workload?.endpoint ?? null,
      // Its `/v1/infer` (and task and quota reads) take it; the API sends it there.
      dataToken: c.workload?.dataToken ?? null,
      ...(extra.failure ? { failure: extra.failure } : {}),
      ...(status ? { status } : {}),
    };
    // Only what changes the API's view is sent again: where it runs, failure, and health.
    const key = JSON.stringify([body.url, extra.failure, status?.healthy, status?.healthReason]);
    if (!extra.force && key === c.lastReport) return;
    // Kept once the API took it: a report it could not take (its database restarting) goes again.
    await api.agents.work.reportVdagController.mutate(body);
    c.lastReport = key;
  };

  const stop = async (c: HostedController) => {
    await c.workload?.stop();
    c.workload = null;
    c.configKey = "";
    c.quotaRestored = false;
  };

  const reconcileNow = async (controllerId: string, c: HostedController) => {
    c.stale = true; // until this try is through
    let desired: Awaited<ReturnType<typeof api.agents.work.desiredVdagController.query>>;
    try {
      desired = await api.agents.work.desiredVdagController.query({ controllerId });
    } catch (err) {
      if (isTransientApiError(err)) throw err;
      desired = { controllerId, exists: false };
    }
    if (!desired.exists || desired.removing || !desired.config) {
      if (!c.adopted) c.workload = driver.adopt(`${controllerId}${SUFFIX}`);
      await stop(c);
      if (!desired.exists || desired.removing)
        await driver.release?.({ kind: "vdag", id: controllerId }).catch((err: Error) => {
          log.warn("could not release the vDAG controller's objects", { controllerId, err: err.message });
        });
      if (desired.exists) await report(controllerId, c, { force: true });
      hosted.delete(controllerId);
      return;
    }
    const config: TVdagControllerConfig = desired.config;
    const key = configHash(config);
    if (!c.adopted) {
      c.adopted = true;
      const w = driver.adopt(`${controllerId}${SUFFIX}`);
      if (w) {
        c.workload = w;
        c.configKey = ""; // its configuration is unknown: hand it the current one
        c.quotaRestored = false; // it may have been started by an agent that died before handing it over
        log.info("adopted a running vDAG controller", { controllerId });
      }
    }
    try {
      if (!c.workload) {
        // Its quota continues from the stored one: read it first (the API down: no start yet).
        await state.flushQuota(controllerId, c);
        const stored = await state.storedQuota(controllerId);
        c.quotaRestored = false;
        c.workload = await driver.start({
          name: `${controllerId}${SUFFIX}`,
          kind: "vdag-controller",
          entry: controllerEntry(),
          gpus: [],
          // It refuses requests (503) until the stored quota is handed over, just below.
          env: { AIOS_VDAG_QUOTA_RESTORE: "wait" },
          // Its plan holds the executors' data tokens: on Kubernetes in its Secret, not its Deployment.
          secretEnv: { AIOS_VDAG_CONTROLLER: JSON.stringify(config) },
          labels: { vdagURI: config.vdagURI },
          owner: { kind: "vdag", id: controllerId },
          controlToken: newControlToken(),
          // Its data routes take this one; it goes to the API with the controller's url.
          dataToken: newDataToken(),
        });
        c.configKey = key;
        log.info("vDAG controller started", {
          controllerId,
          vdagURI: config.vdagURI,
          url: c.workload.endpoint,
        });
        await state.restoreQuota(controllerId, c.workload, c, stored);
      } else if (c.configKey !== key) {
        await fetchJson(`${c.workload.endpoint}/config`, {
          method: "PUT",
          headers: { "content-type": "application/json", ...controlHeaders(c.workload.controlToken) },
          body: JSON.stringify(config),
        });
        c.configKey = key;
      }
      if (!c.quotaRestored) await state.restoreQuota(controllerId, c.workload, c);
      await report(controllerId, c);
      c.stale = false;
    } catch (err) {
      if (err instanceof DriverClosedError) return; // the agent is stopping: not the controller's fault
      const failure = (err as Error).message;
      log.warn("vDAG controller failed", { controllerId, err: failure });
      await report(controllerId, c, { failure });
    }
  };

  const tickNow = async (controllerId: string, c: HostedController) => {
    if (c.workload && (await hasExited(c.workload))) {
      log.warn("vDAG controller exited; restarting", { controllerId, lastLines: c.workload.logs(3) });
      c.workload = null;
      c.configKey = "";
    }
    if (c.stale || !c.workload) await reconcileNow(controllerId, c);
    else await report(controllerId, c);
    // Its quota and figures are kept by the API too: they outlive the process.
    if (c.workload) {
      await state
        .syncQuota(controllerId, c.workload, c)
        .catch((err: Error) => log.warn("vDAG quota sync failed", { controllerId, err: err.message }));
      await state.pushMetrics(controllerId, c.workload, c);
    }
    // The quality checker's verdicts are kept by the API, not only in the controller's memory.
    if (c.workload) {
      const { samples } = await fetchJson<{ samples: TQualitySample[] }>(
        `${c.workload.endpoint}/quality/samples?drain=1`,
        { headers: controlHeaders(c.workload.controlToken) },
      ).catch(() => ({ samples: [] as TQualitySample[] }));
      if (samples.length > 0) await api.agents.work.reportQualitySamples.mutate({ controllerId, samples });
    }
  };

  return Object.assign(controllers, {
    /** The `/metrics` endpoints of the vDAG controllers running here, for the agent's `/metrics`. */
    scrapeTargets: (): ScrapeTarget[] =>
      [...hosted].flatMap(([controllerId, c]) =>
        c.workload
          ? [
              {
                kind: "vdag-controller" as const,
                endpoint: c.workload.endpoint,
                labels: { vdag: c.workload.labels.vdagURI ?? "", controller: controllerId },
              },
            ]
          : [],
      ),
    logs: (id: string) => hosted.get(id)?.workload?.logs(5_000) ?? [],
    /**
     * A call on one of the controller's control routes for the API (a health check, a quota reset,
     * a policy's management command), sent with the controller's control token: its HTTP status
     * and JSON body, as it answered.
     */
    async control(controllerId: string, call: TVdagControlJob["call"]): Promise<TVdagControlAnswer> {
      const w = hosted.get(controllerId)?.workload;
      if (!w) throw new Error(`no vDAG controller ${controllerId} runs here`);
      const [method, path, body] = vdagControlRoute(call);
      const res = await fetch(`${w.endpoint}${path}`, {
        method,
        headers: {
          ...controlHeaders(w.controlToken),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as unknown };
    },
  });
}

export type VdagSupervisor = ReturnType<typeof createVdagSupervisor>;
