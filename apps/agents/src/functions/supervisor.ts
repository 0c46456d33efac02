import { resolve } from "node:path";
import { type ApiClient, isTransientApiError } from "@aios/client";
import type { TFunctionAutoscaling, TFunctionReplica } from "@aios/contracts";
import { controlHeaders, type Logger, newControlToken, newDataToken } from "@aios/service-kit";
import { configHash, type Driver, DriverClosedError, hasExited, type Workload } from "../drivers/driver";
import { type Queued, Reconciler } from "../reconciler";

const REPLICA_MAIN = resolve(import.meta.dirname, "replica-main.ts");
const RESTART_DELAY_MS = 1_000;
/** Kept with each replica's workload: the configuration it was started with. */
const CONFIG_LABEL = "functionConfig";

/** A replica's workload name: `<function>-function-<index>`. */
export const replicaWorkloadOf = (name: string, index: number) => `${name}-function-${index}`;

/** The function and replica index a workload is, from its name; null for any other workload. */
export function replicaOfWorkload(workload: string): { name: string; index: number } | null {
  const m = /^(.+)-function-(\d+)$/.exec(workload);
  return m?.[1] ? { name: m[1], index: Number(m[2]) } : null;
}

interface Replica {
  /** Null while it is not running (failed to start, or exited and about to be started again). */
  workload: Workload | null;
  state: TFunctionReplica;
}

interface HostedFunction extends Queued {
  /** The hash of what the running replicas were started with; a change restarts them. */
  configKey: string;
  replicas: Map<number, Replica>;
  desiredReplicas: number;
  /** Its autoscaling rules, as last read from the API; null without. */
  autoscaling: TFunctionAutoscaling | null;
  /** Replicas left running by an earlier agent were looked for (once per term). */
  adopted: boolean;
}

export interface FunctionSupervisorOptions {
  api: ApiClient;
  /** Runs the replicas: processes on this machine, Deployments with Services on Kubernetes. */
  driver: Driver;
  log: Logger;
  /** The sandbox limits of each replica's policy. */
  limits: { cpuTimeMs: number; memoryMb: number };
}

/**
 * Runs this cluster's policy functions (execution type 4): each replica is a workload of the driver
 * (`function-replica`, `<function>-function-<index>`), kept at its desired state: started, scaled,
 * started again when it exits, stopped when removed. Every change is reported to the API, which
 * routes invokes to ready replicas. Like vDAG controllers, replicas outlive an agent restart and
 * are adopted, their state with them, when they were started with the current configuration.
 */
export function createFunctionSupervisor(opts: FunctionSupervisorOptions) {
  const { api, driver, log } = opts;
  const functions: Reconciler<HostedFunction> = new Reconciler<HostedFunction>({
    driver,
    newHost: () => ({
      configKey: "",
      replicas: new Map(),
      desiredReplicas: 0,
      autoscaling: null,
      adopted: false,
    }),
    reconcile: (name, fn) => reconcileNow(name, fn),
    tick: (name, fn) => reconcileNow(name, fn),
    wanted: (clusterId) => api.agents.work.desiredFunctions.query({ clusterId }),
    ownerOf: (workload) => replicaOfWorkload(workload)?.name ?? null,
    stop: async (fn) => {
      await Promise.all([...fn.replicas.keys()].map((i) => stopReplica(fn, i)));
    },
    failed: (name, err) => log.warn("function work failed", { name, err: err.message }),
  });
  const hosted = functions.hosted;

  const report = async (name: string, fn: HostedFunction) => {
    // Each with its data token: the API sends it on the replica's `/invoke`.
    const replicas = [...fn.replicas.values()]
      .map((r) => ({ ...r.state, ...(r.workload?.dataToken ? { dataToken: r.workload.dataToken } : {}) }))
      .sort((a, b) => a.index - b.index);
    try {
      await api.agents.work.reportFunction.mutate({ name, replicas });
    } catch (err) {
      log.warn("function report failed", { name, err: (err as Error).message });
    }
  };

  const readyState = (index: number, w: Workload): TFunctionReplica => ({
    index,
    endpoint: w.endpoint,
    status: "ready",
    pid: w.pid,
  });

  /** An exit of a replica still wanted: reported, and the replica started again a moment later. */
  const watchExit = (name: string, fn: HostedFunction, index: number, replica: Replica, w: Workload) => {
    void w.exited.then(({ code, signal }) => {
      if (fn.replicas.get(index) !== replica || replica.workload !== w || functions.stopping) return;
      replica.workload = null;
      replica.state = {
        index,
        endpoint: null,
        status: "failed",
        pid: null,
        message: `exited (${code ?? signal})`,
      };
      log.warn("function replica exited; restarting", { name, index, code, signal, lastLines: w.logs(3) });
      void report(name, fn);
      setTimeout(() => void functions.reconcile(name).catch(() => undefined), RESTART_DELAY_MS).unref();
    });
  };

  const startReplica = async (name: string, fn: HostedFunction, index: number, source: string) => {
    const replica: Replica = {
      workload: null,
      state: { index, endpoint: null, status: "starting", pid: null },
    };
    fn.replicas.set(index, replica);
    try {
      const w = await driver.start({
        name: replicaWorkloadOf(name, index),
        kind: "function-replica",
        entry: REPLICA_MAIN,
        gpus: [],
        env: {
          AIOS_FUNCTION_NAME: name,
          AIOS_REPLICA_INDEX: String(index),
          AIOS_POLICY_CPU_MS: String(opts.limits.cpuTimeMs),
          AIOS_POLICY_MEMORY_MB: String(opts.limits.memoryMb),
        },
        // Its code, settings and parameters: on Kubernetes in its Secret, not in its Deployment.
        secretEnv: { AIOS_FUNCTION_SOURCE: source },
        labels: { [CONFIG_LABEL]: fn.configKey },
        owner: { kind: "function", id: name },
        // Its `/management` takes this one only, and it never leaves the agent.
        controlToken: newControlToken(),
        // Its `/invoke` takes this one only; it goes to the API with the replica's endpoint.
        dataToken: newDataToken(),
      });
      if (fn.replicas.get(index) !== replica) {
        await w.stop(); // scaled down or reconfigured while it started
        return;
      }
      replica.workload = w;
      replica.state = readyState(index, w);
      watchExit(name, fn, index, replica, w);
    } catch (err) {
      if (err instanceof DriverClosedError) return; // the agent is stopping: not the replica's fault
      replica.state = { ...replica.state, status: "failed", message: (err as Error).message };
      log.warn("function replica did not start", { name, index, err: (err as Error).message });
    }
  };

  const stopReplica = async (fn: HostedFunction, index: number) => {
    const replica = fn.replicas.get(index);
    fn.replicas.delete(index);
    await replica?.workload?.stop();
  };

  /**
   * Once per term: the replicas an earlier agent left running. Those of the current configuration
   * and a wanted index are taken over (their state lives on); any other is stopped.
   */
  const adopt = async (name: string, fn: HostedFunction, configKey: string, replicas: number) => {
    fn.adopted = true;
    for (const workload of driver.list()) {
      const of = replicaOfWorkload(workload);
      if (of?.name !== name || fn.replicas.has(of.index)) continue;
      const w = driver.adopt(workload);
      if (!w) continue;
      if (w.labels[CONFIG_LABEL] !== configKey || of.index >= replicas || (await hasExited(w))) {
        await w.stop();
        continue;
      }
      const replica: Replica = { workload: w, state: readyState(of.index, w) };
      fn.replicas.set(of.index, replica);
      watchExit(name, fn, of.index, replica, w);
      log.info("adopted a running function replica", { name, index: of.index });
    }
    if (fn.replicas.size > 0) fn.configKey = configKey;
  };

  const reconcileNow = async (name: string, fn: HostedFunction) => {
    let desired: Awaited<ReturnType<typeof api.agents.work.desiredFunction.query>> | null;
    try {
      desired = await api.agents.work.desiredFunction.query({ name });
    } catch (err) {
      if (isTransientApiError(err)) throw err;
      desired = null; // removed from the API altogether
    }
    const replicas = desired?.replicas ?? 0;
    const source = desired ? JSON.stringify(desired.source) : "";
    const configKey = desired ? configHash([desired.policyRuleURI, source]) : "";
    if (!fn.adopted) await adopt(name, fn, configKey, replicas);
    if (configKey !== fn.configKey) {
      await Promise.all([...fn.replicas.keys()].map((i) => stopReplica(fn, i)));
      fn.configKey = configKey;
    }
    fn.desiredReplicas = replicas;
    fn.autoscaling = desired?.autoscaling ?? null;
    for (const index of [...fn.replicas.keys()]) if (index >= replicas) await stopReplica(fn, index);
    const missing = Array.from({ length: replicas }, (_, i) => i).filter(
      (i) => !fn.replicas.get(i)?.workload,
    );
    await Promise.all(missing.map((i) => startReplica(name, fn, i, source)));
    if (desired) await report(name, fn);
    if (replicas === 0) {
      hosted.delete(name);
      // Removed: whatever of it is left anywhere in the cluster goes (a Kubernetes owner object).
      if (!desired || desired.removing)
        await driver.release?.({ kind: "function", id: name }).catch((err: Error) => {
          log.warn("could not release the function's objects", { name, err: err.message });
        });
    }
    if (missing.length > 0 || replicas === 0)
      log.info("function reconciled", {
        name,
        replicas,
        ready: [...fn.replicas.values()].filter((r) => r.state.status === "ready").length,
      });
  };

  return Object.assign(functions, {
    /** The hosted functions with autoscaling rules: their rules, desired replicas and ready replicas. */
    autoscaled(): AutoscaledFunction[] {
      return [...hosted.entries()].flatMap(([name, fn]) =>
        fn.autoscaling && !functions.stopping
          ? [
              {
                name,
                autoscaling: fn.autoscaling,
                replicas: fn.desiredReplicas,
                ready: [...fn.replicas.values()].flatMap((r) =>
                  r.workload && r.state.status === "ready"
                    ? [
                        {
                          index: r.state.index,
                          endpoint: r.workload.endpoint,
                          controlToken: r.workload.controlToken,
                        },
                      ]
                    : [],
                ),
              },
            ]
          : [],
      );
    },
    /**
     * A management command for one ready replica of a function (`replica`, else the first ready
     * one), sent with that replica's control token: the policy's answer and the replica's index.
     */
    async management(name: string, replica: number | undefined, action: string, data: unknown) {
      const ready = [...(hosted.get(name)?.replicas.values() ?? [])].filter(
        (r) =>
          r.workload && r.state.status === "ready" && (replica === undefined || r.state.index === replica),
      );
      const target = ready.sort((a, b) => a.state.index - b.state.index)[0];
      if (!target?.workload)
        throw new Error(
          replica === undefined
            ? `no ready replica of function ${name} runs here`
            : `replica ${replica} of function ${name} is not ready here`,
        );
      const res = await fetch(`${target.workload.endpoint}/management`, {
        method: "POST",
        headers: { "content-type": "application/json", ...controlHeaders(target.workload.controlToken) },
        body: JSON.stringify({ action, data }),
        signal: AbortSignal.timeout(10_000),
      });
      return { replica: target.state.index, status: res.status, reply: (await res.json()) as unknown };
    },
  });
}

export type FunctionSupervisor = ReturnType<typeof createFunctionSupervisor>;

export interface AutoscaledFunction {
  name: string;
  autoscaling: TFunctionAutoscaling;
  replicas: number;
  ready: Array<{ index: number; endpoint: string; controlToken: string | null }>;
}
