import { createHash } from "node:crypto";

/**
 * How a cluster runs a block's processes. The process driver (this machine) and a Kubernetes
 * driver implement the same interface and pass the same contract suite (test/driver-contract.ts).
 * Workloads outlive the agent: a restarted agent adopts them instead of starting them twice.
 */
export interface WorkloadSpec {
  /** Unique on this cluster, e.g. `<blockId>-executor` or `<blockId>-<instanceId>`. */
  name: string;
  /** The program: a path relative to the repository (a component's `runtime.entry`) or absolute; TypeScript or a bundle. */
  entry: string;
  env: Record<string, string>;
  /** GPU indices this workload may use (CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES). */
  gpus: number[];
  /** Kept with the workload and given back on adoption (e.g. a hash of its configuration). */
  labels?: { [key: string]: string };
  /**
   * The bearer token of the workload's control routes (a new `newControlToken()` per start): set
   * as `AIOS_CONTROL_TOKEN` in its environment, kept with it where only the agent reads it, and
   * given back on adoption, so a restarted agent still controls it.
   */
  controlToken?: string;
}

export interface Workload {
  readonly name: string;
  readonly labels: { [key: string]: string };
  /** Where it listens, e.g. http://127.0.0.1:41234. */
  readonly endpoint: string;
  readonly pid: number | null;
  /** What the agent sends as `authorization: Bearer` on its control routes; null without one. */
  readonly controlToken: string | null;
  /** Resolves when it stopped, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** The last lines it printed (stdout and stderr), oldest first. */
  logs(limit?: number): string[];
  stop(): Promise<void>;
}

export interface JobSpec {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Gives up (and kills the job) after this long. */
  timeoutMs: number;
  /** Every line the job prints, as it prints it. */
  onLine?: (line: string) => void;
}

export interface Driver {
  readonly name: string;
  /** Starts the workload and resolves once it accepts connections (or rejects, with its last logs). */
  start(spec: WorkloadSpec): Promise<Workload>;
  /** The names of the workloads this driver runs (also those started before the agent restarted). */
  list(): string[];
  /** Takes over a running workload by name; null when it is not running. */
  adopt(name: string): Workload | null;
  /** Runs a program to completion (an init step): its exit code, or a timeout error. */
  runJob(spec: JobSpec): Promise<{ code: number | null }>;
  /**
   * The agent is stopping: from now on `start` and `runJob` refuse (a start still under way stops
   * what it started and refuses too), so nothing begins after the agent's last sweep. Workloads
   * already running can still be adopted and stopped.
   */
  close(): void;
}

/** What `start` and `runJob` reject with once the driver is closed. */
export class DriverClosedError extends Error {
  constructor(name: string) {
    super(`not starting ${name}: the agent is stopping`);
    this.name = "DriverClosedError";
  }
}

/** The workload has stopped (its `exited` settled), looked at without waiting. */
export function hasExited(workload: Workload): Promise<boolean> {
  return Promise.race([
    workload.exited.then(() => true),
    new Promise<boolean>((r) => setImmediate(() => r(false))),
  ]);
}

/** A short hash of a workload's configuration, to tell when it changed. */
export function configHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}
