/**
 * How a cluster runs a block's processes. The process driver (this machine) and a Kubernetes
 * driver implement the same interface and pass the same contract suite (test/driver-contract.ts).
 */
export interface WorkloadSpec {
  /** Unique on this cluster, e.g. `<blockId>-executor` or `<blockId>-<instanceId>`. */
  name: string;
  /** The program: a path relative to the repository (a component's `runtime.entry`). */
  entry: string;
  env: Record<string, string>;
  /** GPU indices this workload may use (CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES). */
  gpus: number[];
}

export interface Workload {
  readonly name: string;
  /** Where it listens, e.g. http://127.0.0.1:41234. */
  readonly endpoint: string;
  readonly pid: number | null;
  /** Resolves when it stopped, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** The last lines it printed (stdout and stderr), oldest first. */
  logs(limit?: number): string[];
  stop(): Promise<void>;
}

export interface Driver {
  readonly name: string;
  /** Starts the workload and resolves once it accepts connections (or rejects, with its last logs). */
  start(spec: WorkloadSpec): Promise<Workload>;
}
