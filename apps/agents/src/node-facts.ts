import { execFile } from "node:child_process";
import { statfsSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface GpuFact {
  index: number;
  modelName: string;
  memoryMb: number;
}

export interface NodeFacts {
  vcpus: number;
  memoryMb: number;
  storageMb: number;
  gpus: GpuFact[];
  cpuModel: string;
}

export type NodeLoad = {
  load1m: number;
  load15m: number;
  freeMemoryMb: number;
  freeStorageMb: number;
};

/** Facts a node reports when it registers: read from the machine, never configured. */
export async function readNodeFacts(): Promise<NodeFacts> {
  const fs = statfsSync("/");
  return {
    vcpus: cpus().length,
    memoryMb: Math.round(totalmem() / 2 ** 20),
    storageMb: Math.round((fs.blocks * fs.bsize) / 2 ** 20),
    gpus: await readGpus(),
    cpuModel: cpus()[0]?.model ?? "unknown",
  };
}

export function readNodeLoad(): NodeLoad {
  const [l1 = 0, , l15 = 0] = loadavg();
  const fs = statfsSync("/");
  return {
    load1m: l1,
    load15m: l15,
    freeMemoryMb: Math.round(freemem() / 2 ** 20),
    freeStorageMb: Math.round((fs.bavail * fs.bsize) / 2 ** 20),
  };
}

/** Per-GPU utilisation and memory in use, as metric samples `gpu<i>.utilization` etc. */
export async function readGpuLoad(binary = "nvidia-smi"): Promise<Record<string, number>> {
  try {
    const { stdout } = await run(
      binary,
      ["--query-gpu=index,utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits"],
      { timeout: 10_000 },
    );
    return parseGpuLoad(stdout);
  } catch {
    return {};
  }
}

export function parseGpuLoad(csv: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of csv.split("\n")) {
    const [index, util, used, total] = line.split(",").map((s) => Number(s.trim()));
    if (!Number.isInteger(index) || [util, used, total].some((n) => n === undefined || !Number.isFinite(n)))
      continue;
    out[`gpu${index}.utilization`] = util as number;
    out[`gpu${index}.memoryUsedMb`] = used as number;
    out[`gpu${index}.memoryFreeMb`] = (total as number) - (used as number);
  }
  return out;
}

/** GPUs from nvidia-smi when it is installed; none otherwise. */
export async function readGpus(binary = "nvidia-smi"): Promise<GpuFact[]> {
  try {
    const { stdout } = await run(
      binary,
      ["--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits"],
      { timeout: 10_000 },
    );
    return parseNvidiaSmi(stdout);
  } catch {
    return [];
  }
}

export function parseNvidiaSmi(csv: string): GpuFact[] {
  return csv
    .split("\n")
    .map((line) => line.split(",").map((s) => s.trim()))
    .filter((cols) => cols.length >= 3 && cols[0] !== "")
    .map(([index, name, mem]) => ({
      index: Number(index),
      modelName: name ?? "unknown",
      memoryMb: Number(mem),
    }))
    .filter((g) => Number.isInteger(g.index) && Number.isFinite(g.memoryMb));
}
