import { createHash } from "node:crypto";
import type { TImagePull, TInstanceInitContainer, TInstanceSidecar } from "@aios/contracts";

/**
 * How a cluster runs a block's processes. The process driver (this machine) and a Kubernetes
 * driver implement the same interface and pass the same contract suite (test/driver-contract.ts).
 * Workloads outlive the agent: a restarted agent adopts them instead of starting them twice.
 */
/**
 * What a workload is. An `instance` runs a component's code: its entry must stay inside the
 * component directory, and it gets its own variables and no platform settings. The platform's
 * runtimes (`executor`, `vdag-controller`, a policy function's `function-replica`) also get the
 * agent's runtime policy settings.
 */
export type WorkloadKind = "instance" | "executor" | "vdag-controller" | "function-replica";

export interface WorkloadSpec {
  /** Unique on this cluster, e.g. `<blockId>-executor` or `<blockId>-<instanceId>`. */
  name: string;
  kind: WorkloadKind;
  /**
   * The program, TypeScript or a bundle: for an `instance`, a component's `runtime.entry`, relative
   * to the component directory (the repository) and inside it; for a runtime, its absolute path.
   */
  entry: string;
  /**
   * A component's pushed code instead of `entry`: the absolute path of its bundle in the agent's
   * asset cache (`blocks/component-assets.ts`), checked against its digest before the start (so
   * a corrupt asset is refused before anything is made). It imports the platform's
   * `@aios/instance-sdk` (TypeScript), so it runs through tsx.
   */
  bundle?: string;
  /**
   * Which pushed code `bundle` is: a driver whose workloads run elsewhere than the agent's machine
   * (kubernetes) has them fetch it themselves by this digest.
   */
  asset?: { assetURI: string; sha256: string };
  /**
   * The most memory the workload may use, MB: V8's heap limit, with the process's address space held
   * to it plus the runtime's reservations (so buffers outside the heap are bounded too). Past it the
   * process ends, out of memory, and its supervisor starts it again. On Kubernetes, its memory limit.
   */
  memoryMb?: number;
  /**
   * The workload's own variables. It starts with these, the platform's variables for its kind, and
   * a minimal base (PATH, HOME, LANG, LC_ALL, TZ), never with the agent's environment.
   */
  env: Record<string, string>;
  /**
   * Variables kept out of what others can read of the workload (a policy function's code and
   * settings): a Kubernetes driver keeps them in the workload's Secret, which only its pod and the
   * agent read, and its pod names them from there; the process driver sets them like `env` (a
   * process's environment is its own user's to read).
   */
  secretEnv?: Record<string, string>;
  /**
   * A container image to run instead of `entry` (a component's containerRegistryInfo.containerImage):
   * its own entrypoint, told PORT and HOST like any workload. Only a driver that runs containers
   * (kubernetes) takes it; the process driver refuses it.
   */
  image?: string;
  /**
   * How to pull `image`: its container registry's pull Secret (by name in the driver's namespace)
   * and the credentials the driver keeps in it.
   */
  imagePull?: TImagePull;
  /** GPU indices this workload may use (CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES). */
  gpus: number[];
  /** Kept with the workload and given back on adoption (e.g. a hash of its configuration). */
  labels?: { [key: string]: string };
  /**
   * What the workload belongs to: a Kubernetes driver labels its objects with it and makes them
   * owned by one object per owner, so that `release` (the block removed) collects them all.
   */
  owner?: WorkloadOwner;
  /**
   * The bearer token of the workload's control routes (a new `newControlToken()` per start): set
   * as `AIOS_CONTROL_TOKEN` in its environment, kept with it where only the agent reads it, and
   * given back on adoption, so a restarted agent still controls it.
   */
  controlToken?: string;
  /**
   * The bearer token of the workload's data routes (a new `newDataToken()` per start; instances,
   * executors and vDAG controllers): set as `AIOS_DATA_TOKEN`, kept and given back on adoption like the control token,
   * and handed by the agent to the workload's callers (an instance's to its executor).
   */
  dataToken?: string;
  /**
   * An instance's init containers (run in order before it, each to exit 0) and side-cars (started
   * and ended with it): the component's `runtime.initContainers` and `runtime.sidecars`.
   */
  initContainers?: TInstanceInitContainer[];
  sidecars?: TInstanceSidecar[];
}

/** How a workload ended; `sidecar`: it ended because that side-car of it did (and was ended with it). */
export interface WorkloadExit {
  code: number | null;
  signal: string | null;
  sidecar?: string;
}

export interface WorkloadOwner {
  kind: "block" | "vdag" | "function";
  id: string;
  /** An instance of a block. */
  instanceId?: string;
}

export interface Workload {
  readonly name: string;
  readonly labels: { [key: string]: string };
  /** Where it listens, e.g. http://127.0.0.1:41234. */
  readonly endpoint: string;
  readonly pid: number | null;
  /** What the agent sends as `authorization: Bearer` on its control routes; null without one. */
  readonly controlToken: string | null;
  /** What its callers send as `authorization: Bearer` on its data routes; null without one. */
  readonly dataToken: string | null;
  /** Resolves when it stopped, for whatever reason. */
  readonly exited: Promise<WorkloadExit>;
  /**
   * The last lines it printed (stdout and stderr), oldest first; with `container`, those of one of
   * its init containers or side-cars (by name).
   */
  logs(limit?: number, container?: string): string[];
  stop(): Promise<void>;
}

/** A component's program run to completion (an init step), confined and started like an instance. */
export interface JobSpec {
  name: string;
  /**
   * A component's `runtime.init.entry`, relative to the component directory and inside it; with
   * `runtime`, a program of the platform's (a policy job's runner), relative to the repository.
   */
  entry: string;
  runtime?: boolean;
  env: Record<string, string>;
  /**
   * Variables kept out of what others can read of the job (a Kubernetes driver keeps them in a
   * Secret that only the job's pod reads): a policy job's code, input and settings.
   */
  secretEnv?: Record<string, string>;
  /** Gives up (and kills the job) after this long. */
  timeoutMs: number;
  /** Every line the job prints, as it prints it. */
  onLine?: (line: string) => void;
}

export interface Driver {
  readonly name: string;
  /**
   * Resolves once `list` and `adopt` know what runs (a Kubernetes driver's first list of its pods);
   * absent: at once.
   */
  ready?(): Promise<void>;
  /** Starts the workload and resolves once it accepts connections (or rejects, with its last logs). */
  start(spec: WorkloadSpec): Promise<Workload>;
  /** The names of the workloads this driver runs (also those started before the agent restarted). */
  list(): string[];
  /** Takes over a running workload by name; null when it is not running. */
  adopt(name: string): Workload | null;
  /**
   * The owner is gone (its block removed): whatever of it is left anywhere in the cluster goes
   * (a Kubernetes driver deletes the owner object and the garbage collector the rest). Absent: nothing to do.
   */
  release?(owner: Omit<WorkloadOwner, "instanceId">): Promise<void>;
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

/**
 * A workload that loads isolated-vm in its own process needs Node's startup snapshot off
 * (`--no-node-snapshot`, Node 20): a policy function's replica always, and every workload when the
 * runtime policies run in-process (AIOS_RUNTIME_POLICY_ISOLATION=in-process). Both drivers ask this.
 */
export const needsNoSnapshot = (kind: WorkloadKind, policiesInProcess: boolean): boolean =>
  policiesInProcess || kind === "function-replica";

/** A short hash of a workload's configuration, to tell when it changed. */
export function configHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}
