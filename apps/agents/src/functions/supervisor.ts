import { appendFileSync, closeSync, mkdirSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type ApiClient, isTransientApiError } from "@aios/client";
import type { TFunctionReplica } from "@aios/contracts";
import {
  CONTROL_TOKEN_ENV,
  controlHeaders,
  DATA_TOKEN_ENV,
  findFreePort,
  type Logger,
  MAX_BODY_ENV,
  newControlToken,
  newDataToken,
  ORPHAN_GUARD_PRELOAD,
  orphanGuardEnv,
  probeHostOf,
  type SupervisedChild,
  startChild,
  waitForPort,
} from "@aios/service-kit";

import { baseWorkloadEnv } from "../drivers/workload-env";
import type { WorkloadIdentity } from "../drivers/workload-user";
import { STOP_SETTLE_MS, settledWithin } from "../reconciler";

const REPLICA_MAIN = resolve(import.meta.dirname, "replica-main.ts");
const RESTART_DELAY_MS = 1_000;

interface Replica {
  index: number;
  child: SupervisedChild;
  port: number;
  /** Its `/management` takes this token only; it never leaves the agent. */
  controlToken: string;
  /** Its `/invoke` takes this token only; it goes to the API with the replica's endpoint. */
  dataToken: string;
  state: TFunctionReplica;
}

interface HostedFunction {
  /** What the running replicas were started with; a change restarts them. */
  configKey: string;
  replicas: Map<number, Replica>;
  desiredReplicas: number;
  /** Reconciles of one function run one at a time. */
  chain: Promise<void>;
}

export interface FunctionSupervisorOptions {
  api: ApiClient;
  log: Logger;
  publicHostname: string;
  /** The address replicas listen on (0.0.0.0: every interface). */
  bindHost: string;
  limits: { cpuTimeMs: number; memoryMb: number };
  /** Replicas stop themselves when the agent's alive file is silent this long (see orphan-guard). */
  guard?: { aliveFile: string; orphanGraceSeconds: number };
  /** `AIOS_MAX_BODY_MB` of every replica: the agent's own, so every hop refuses past one limit. */
  maxBodyMb?: number;
  /** Who replicas run as and where their homes are; unset: the agent's user, homes under the OS's tmpdir. */
  workloads?: WorkloadIdentity;
  /** Where each replica's output is kept, in `function-<name>-<index>.log`; unset: the agent's debug log only. */
  logsDir?: string;
}

/** A function's name kept to letters, digits, '.', '_' and '-', for file names. */
const fileNameOf = (name: string) => name.replace(/[^\w.-]/g, "_");
/** A replica's home (one per start). */
const homeOf = (name: string, index: number, port: number) =>
  `homes/function-${fileNameOf(name)}-${index}-${port}`;

/**
 * Runs this cluster's policy functions (execution type 4) as replica processes and keeps them at
 * their desired state: started, scaled, restarted when they crash, stopped when removed. Every
 * change is reported to the API, which routes invokes to ready replicas.
 */
export function createFunctionSupervisor(opts: FunctionSupervisorOptions) {
  const hosted = new Map<string, HostedFunction>();
  let stopping = false;

  const report = async (name: string, fn: HostedFunction) => {
    // Each with its data token: the API sends it on the replica's `/invoke`.
    const replicas = [...fn.replicas.values()]
      .map((r) => ({ ...r.state, dataToken: r.dataToken }))
      .sort((a, b) => a.index - b.index);
    try {
      await opts.api.agents.work.reportFunction.mutate({ name, replicas });
    } catch (err) {
      opts.log.warn("function report failed", { name, err: (err as Error).message });
    }
  };

  const startReplica = async (name: string, fn: HostedFunction, index: number, source: string) => {
    const port = await findFreePort();
    if (stopping) throw new Error("the agent is stopping");
    const controlToken = newControlToken();
    const dataToken = newDataToken();
    const workloads = opts.workloads;
    // Its output is kept per replica, as an instance's is (not only in the agent's debug log).
    const logFile = opts.logsDir ? join(opts.logsDir, `function-${fileNameOf(name)}-${index}.log`) : null;
    if (opts.logsDir) mkdirSync(opts.logsDir, { recursive: true });
    // A uid and home of its own (none when the agent's user runs it in the OS's tmpdir).
    const lease = workloads?.claim(homeOf(name, index, port));
    // The alive file, open: a replica of another user cannot reach it by path (AIOS_HOME is 0700).
    const alive = opts.guard ? [openSync(opts.guard.aliveFile, "r")] : [];
    const child = startChild({
      name: `${name}#${index}`,
      command: process.execPath,
      args: ["--no-node-snapshot", "--import", ORPHAN_GUARD_PRELOAD, "--import", "tsx", REPLICA_MAIN],
      // Its own variables only: never the agent's token or the queue's URL.
      inheritEnv: false,
      extraFds: alive,
      ...lease?.spawnOptions(),
      env: {
        ...baseWorkloadEnv(lease?.env() ?? { HOME: tmpdir() }),
        ...(opts.guard ? orphanGuardEnv(opts.guard.aliveFile, opts.guard.orphanGraceSeconds, 3) : {}),
        AIOS_FUNCTION_NAME: name,
        AIOS_FUNCTION_SOURCE: source,
        AIOS_REPLICA_INDEX: String(index),
        PORT: String(port),
        HOST: opts.bindHost,
        [CONTROL_TOKEN_ENV]: controlToken,
        [DATA_TOKEN_ENV]: dataToken,
        AIOS_POLICY_CPU_MS: String(opts.limits.cpuTimeMs),
        AIOS_POLICY_MEMORY_MB: String(opts.limits.memoryMb),
        ...(opts.maxBodyMb !== undefined ? { [MAX_BODY_ENV]: String(opts.maxBodyMb) } : {}),
      },
      onLine: (line) => {
        opts.log.debug(line, { function: name, replica: index });
        if (logFile) appendFileSync(logFile, `${line}\n`);
      },
    });
    for (const fd of alive) closeSync(fd);
    void child.exited.then(() => lease?.release());
    const replica: Replica = {
      index,
      child,
      port,
      controlToken,
      dataToken,
      state: { index, endpoint: null, status: "starting", pid: child.pid },
    };
    fn.replicas.set(index, replica);
    void child.exited.then(({ code, signal }) => {
      if (fn.replicas.get(index) !== replica || stopping) return;
      replica.state = {
        ...replica.state,
        status: "failed",
        endpoint: null,
        message: `exited (${code ?? signal})`,
      };
      opts.log.warn("function replica exited; restarting", { name, index, code, signal });
      void report(name, fn);
      setTimeout(() => {
        if (fn.replicas.get(index) === replica && index < fn.desiredReplicas && !stopping) {
          fn.replicas.delete(index);
          fn.chain = fn.chain.then(() => startAndWait(name, fn, index, source).then(() => report(name, fn)));
        }
      }, RESTART_DELAY_MS).unref();
    });
    return replica;
  };

  const startAndWait = async (name: string, fn: HostedFunction, index: number, source: string) => {
    const replica = await startReplica(name, fn, index, source);
    try {
      await Promise.race([
        waitForPort(replica.port, 30_000, probeHostOf(opts.bindHost)),
        replica.child.exited.then(() => {
          throw new Error("the replica exited while starting");
        }),
      ]);
      replica.state = {
        ...replica.state,
        status: "ready",
        endpoint: `http://${opts.publicHostname}:${replica.port}`,
      };
    } catch (err) {
      replica.state = { ...replica.state, status: "failed", message: (err as Error).message };
    }
  };

  const stopReplica = async (fn: HostedFunction, index: number) => {
    const replica = fn.replicas.get(index);
    if (!replica) return;
    fn.replicas.delete(index);
    await replica.child.stop(5_000);
  };

  const reconcileNow = async (name: string, fn: HostedFunction) => {
    let desired: Awaited<ReturnType<typeof opts.api.agents.work.desiredFunction.query>> | null;
    try {
      desired = await opts.api.agents.work.desiredFunction.query({ name });
    } catch (err) {
      if (isTransientApiError(err)) throw err;
      desired = null; // removed from the API altogether
    }
    const replicas = desired?.replicas ?? 0;
    const source = desired ? JSON.stringify(desired.source) : "";
    const configKey = desired ? `${desired.policyRuleURI}\n${source}` : "";
    if (configKey !== fn.configKey) {
      for (const index of [...fn.replicas.keys()]) await stopReplica(fn, index);
      fn.configKey = configKey;
    }
    fn.desiredReplicas = replicas;
    for (const index of [...fn.replicas.keys()]) if (index >= replicas) await stopReplica(fn, index);
    const missing = Array.from({ length: replicas }, (_, i) => i).filter((i) => !fn.replicas.has(i));
    await Promise.all(missing.map((i) => startAndWait(name, fn, i, source)));
    if (desired) await report(name, fn);
    if (replicas === 0) hosted.delete(name);
    opts.log.info("function reconciled", {
      name,
      replicas,
      ready: [...fn.replicas.values()].filter((r) => r.state.status === "ready").length,
    });
  };

  return {
    /** Makes one function's replicas match its desired state in the API. */
    reconcile(name: string): Promise<void> {
      let fn = hosted.get(name);
      if (!fn) {
        fn = { configKey: "", replicas: new Map(), desiredReplicas: 0, chain: Promise.resolve() };
        hosted.set(name, fn);
      }
      const target = fn;
      // Once stopping, no new work starts (it could start a replica nobody stops).
      const run = target.chain.then(() => (stopping ? undefined : reconcileNow(name, target)));
      target.chain = run.catch(() => undefined);
      return run;
    },

    /** At start (and periodically): every function the API wants on this cluster, and no other. */
    async reconcileAll(clusterId: string): Promise<void> {
      const wanted = new Set(await opts.api.agents.work.desiredFunctions.query({ clusterId }));
      for (const name of new Set([...wanted, ...hosted.keys()])) await this.reconcile(name);
    },

    hostedNames: () => [...hosted.keys()],

    /**
     * A management command for one ready replica of a function (`replica`, else the first ready
     * one), sent with that replica's control token: the policy's answer and the replica's index.
     */
    async management(name: string, replica: number | undefined, action: string, data: unknown) {
      const ready = [...(hosted.get(name)?.replicas.values() ?? [])].filter(
        (r) => r.state.status === "ready" && (replica === undefined || r.index === replica),
      );
      const target = ready.sort((a, b) => a.index - b.index)[0];
      if (!target)
        throw new Error(
          replica === undefined
            ? `no ready replica of function ${name} runs here`
            : `replica ${replica} of function ${name} is not ready here`,
        );
      const host = probeHostOf(opts.bindHost);
      const address = host.includes(":") ? `[${host}]` : host;
      const res = await fetch(`http://${address}:${target.port}/management`, {
        method: "POST",
        headers: { "content-type": "application/json", ...controlHeaders(target.controlToken) },
        body: JSON.stringify({ action, data }),
        signal: AbortSignal.timeout(10_000),
      });
      return { replica: target.index, status: res.status, reply: (await res.json()) as unknown };
    },

    /** Stops every replica, after giving a reconcile under way a moment to finish its starts. */
    async stopAll(): Promise<void> {
      stopping = true;
      await settledWithin(
        [...hosted.values()].map((fn) => fn.chain),
        STOP_SETTLE_MS,
      );
      await Promise.all(
        [...hosted.values()].flatMap((fn) => [...fn.replicas.keys()].map((i) => stopReplica(fn, i))),
      );
      hosted.clear();
    },
  };
}

export type FunctionSupervisor = ReturnType<typeof createFunctionSupervisor>;
