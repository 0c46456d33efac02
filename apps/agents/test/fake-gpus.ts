import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** The folder holding the fake `nvidia-smi`: put it first on PATH. */
export const FAKE_NVIDIA_SMI_DIR = join(import.meta.dirname, "fixtures", "fake-nvidia-smi");

export interface FakeGpuProcess {
  pid: number;
  name: string;
  usedMemoryMb: number | null;
}

/** One GPU as the fake nvidia-smi reports it; a null figure prints as "[N/A]". */
export interface FakeGpu {
  index: number;
  uuid: string;
  name?: string;
  utilizationPct: number | null;
  memoryUsedMb: number | null;
  memoryTotalMb: number | null;
  processes?: FakeGpuProcess[];
}

export interface FakeGpus {
  /** The JSON state file the fake reads on every call. */
  stateFile: string;
  /** PATH with the fake first: what a process's PATH must be for `nvidia-smi` to be the fake. */
  path: string;
  /** The environment a child process needs (PATH and AIOS_FAKE_GPUS_FILE). */
  env: { PATH: string; AIOS_FAKE_GPUS_FILE: string };
  /** Replaces the GPUs and their figures; the next call of the fake reports these. */
  set(gpus: FakeGpu[]): void;
  /** From now on the fake fails as nvidia-smi does when the driver is not loaded. */
  fail(): void;
  cleanup(): void;
}

/** A fake nvidia-smi with `gpus`; its state lives in a fresh temporary folder. */
export function fakeGpus(gpus: FakeGpu[]): FakeGpus {
  const dir = mkdtempSync(join(tmpdir(), "aios-fake-gpus-"));
  const stateFile = join(dir, "gpus.json");
  const write = (state: object) => writeFileSync(stateFile, JSON.stringify(state));
  write({ gpus });
  const path = [FAKE_NVIDIA_SMI_DIR, process.env.PATH ?? ""].join(delimiter);
  return {
    stateFile,
    path,
    env: { PATH: path, AIOS_FAKE_GPUS_FILE: stateFile },
    set: (next) => write({ gpus: next }),
    fail: () => write({ gpus: [], failing: true }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `count` GPUs of 80 GB, idle, uuids `GPU-fake-<i>`. */
export function idleGpus(count: number): FakeGpu[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    uuid: `GPU-fake-${index}`,
    name: "NVIDIA A100-SXM4-80GB",
    utilizationPct: 0,
    memoryUsedMb: 0,
    memoryTotalMb: 81920,
    processes: [],
  }));
}
