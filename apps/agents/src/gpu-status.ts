import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  MAX_GPU_PROCESS_NAME,
  MAX_GPU_PROCESSES,
  MAX_GPUS_PER_NODE,
  type TGpuProcess,
  type TGpuStatus,
} from "@aios/contracts";

const run = promisify(execFile);

export type GpuStatus = TGpuStatus;

/** The queries the agent asks nvidia-smi on each heartbeat (a fake nvidia-smi answers these). */
export const GPU_STATUS_QUERY = "--query-gpu=index,uuid,utilization.gpu,memory.used,memory.total";
export const COMPUTE_APPS_QUERY = "--query-compute-apps=gpu_uuid,pid,process_name,used_memory";
export const CSV_FORMAT = "--format=csv,noheader,nounits";

/**
 * Each GPU's utilisation, memory in use and the processes on it, from two nvidia-smi queries
 * (processes matched to their GPU by uuid). No GPUs when nvidia-smi is missing or fails; a GPU
 * without processes when only the process query fails (some drivers do not support it).
 */
export async function readGpuStatus(binary = "nvidia-smi"): Promise<GpuStatus[]> {
  const [gpus, apps] = await Promise.allSettled([
    run(binary, [GPU_STATUS_QUERY, CSV_FORMAT], { timeout: 10_000 }),
    run(binary, [COMPUTE_APPS_QUERY, CSV_FORMAT], { timeout: 10_000 }),
  ]);
  if (gpus.status === "rejected") return [];
  return parseGpuStatus(gpus.value.stdout, apps.status === "fulfilled" ? apps.value.stdout : "");
}

/**
 * What a heartbeat carries: `readGpuStatus` within the API's bounds (MAX_GPUS_PER_NODE GPUs,
 * MAX_GPU_PROCESSES processes per GPU, the biggest users of memory first), so a busy GPU never gets
 * the whole heartbeat refused. Empty when nvidia-smi is missing or fails.
 */
export async function readHeartbeatGpus(binary = "nvidia-smi"): Promise<GpuStatus[]> {
  return (await readGpuStatus(binary)).slice(0, MAX_GPUS_PER_NODE).map((g) => ({
    ...g,
    processes: [...g.processes]
      .sort((a, b) => (b.usedMemoryMb ?? -1) - (a.usedMemoryMb ?? -1) || a.pid - b.pid)
      .slice(0, MAX_GPU_PROCESSES),
  }));
}

/**
 * Lines of `index, uuid, utilization.gpu, memory.used, memory.total` with the compute apps'
 * `gpu_uuid, pid, process_name, used_memory` lines. A line without an integer index is not a GPU
 * ("No devices were found"); a figure the driver does not report is null.
 */
export function parseGpuStatus(gpuCsv: string, appsCsv = ""): GpuStatus[] {
  const byUuid = new Map<string, TGpuProcess[]>();
  for (const app of parseComputeApps(appsCsv)) {
    const list = byUuid.get(app.gpuUuid) ?? [];
    list.push({ pid: app.pid, name: app.name, usedMemoryMb: app.usedMemoryMb });
    byUuid.set(app.gpuUuid, list);
  }
  const gpus: GpuStatus[] = [];
  const seen = new Set<number>();
  for (const line of csvLines(gpuCsv)) {
    const [index, uuid, util, used, total] = line;
    const i = integer(index);
    if (i === null || seen.has(i)) continue;
    seen.add(i);
    const id = reported(uuid);
    const utilizationPct = figure(util);
    gpus.push({
      index: i,
      ...(id ? { uuid: id } : {}),
      utilizationPct: utilizationPct === null ? null : Math.min(100, utilizationPct),
      memoryUsedMb: figure(used),
      memoryTotalMb: figure(total),
      processes: id ? (byUuid.get(id) ?? []) : [],
    });
  }
  return gpus.sort((a, b) => a.index - b.index);
}

export interface ComputeApp extends TGpuProcess {
  gpuUuid: string;
}

/** `gpu_uuid, pid, process_name, used_memory` lines; a name may itself hold commas. */
export function parseComputeApps(csv: string): ComputeApp[] {
  const apps: ComputeApp[] = [];
  for (const raw of csvLines(csv, false)) {
    if (raw.length < 4) continue;
    const cols = raw.map((c) => c.trim());
    const gpuUuid = reported(cols[0]);
    const pid = integer(cols[1]);
    if (!gpuUuid || pid === null || pid < 1) continue;
    const name = raw.slice(2, -1).join(",").trim().slice(0, MAX_GPU_PROCESS_NAME);
    apps.push({ gpuUuid, pid, name, usedMemoryMb: figure(cols.at(-1)) });
  }
  return apps;
}

/**
 * Per-GPU utilisation and memory as load samples `gpu<i>.utilization`, `gpu<i>.memoryUsedMb` and
 * `gpu<i>.memoryFreeMb`, what heartbeats sent before they carried `gpus`.
 */
export async function readGpuLoad(binary = "nvidia-smi"): Promise<Record<string, number>> {
  return gpuLoadOf(await readGpuStatus(binary));
}

export function gpuLoadOf(gpus: readonly GpuStatus[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of gpus) {
    if (g.utilizationPct === null || g.memoryUsedMb === null || g.memoryTotalMb === null) continue;
    out[`gpu${g.index}.utilization`] = g.utilizationPct;
    out[`gpu${g.index}.memoryUsedMb`] = g.memoryUsedMb;
    out[`gpu${g.index}.memoryFreeMb`] = g.memoryTotalMb - g.memoryUsedMb;
  }
  return out;
}

/** The non-blank lines' comma-separated fields, trimmed unless `trim` is false. */
function csvLines(csv: string, trim = true): string[][] {
  return csv
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => line.split(",").map((s) => (trim ? s.trim() : s)));
}

/** A value nvidia-smi reported: not empty and not one of its "[N/A]", "[Not Supported]" markers. */
function reported(value: string | undefined): string | null {
  return value === undefined || value === "" || /^\[.*\]$/.test(value) ? null : value;
}

function figure(value: string | undefined): number | null {
  const v = reported(value);
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function integer(value: string | undefined): number | null {
  const n = figure(value);
  return n !== null && Number.isInteger(n) ? n : null;
}
