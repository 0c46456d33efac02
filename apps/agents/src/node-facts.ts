import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statfsSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

// What the heartbeat reads of the GPUs lives beside: its figures change, these facts do not.
export {
  type GpuStatus,
  gpuLoadOf,
  parseComputeApps,
  parseGpuStatus,
  readGpuLoad,
  readGpuStatus,
  readHeartbeatGpus,
} from "./gpu-status";

export interface GpuFact {
  index: number;
  modelName: string;
  memoryMb: number;
}

/** A disk of the node: a whole block device (or, without /sys/block, a mounted device). */
export interface DiskFact {
  name: string;
  sizeMb: number;
}

export interface StorageFacts {
  disks: DiskFact[];
  /** MB of the root filesystem (what `storageMb` has always said). */
  size: number;
}

export interface NodeFacts {
  vcpus: number;
  memoryMb: number;
  /** Same as `storage.size`. */
  storageMb: number;
  storage: StorageFacts;
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
  const storage = readStorage();
  return {
    vcpus: cpus().length,
    memoryMb: Math.round(totalmem() / 2 ** 20),
    storageMb: storage.size,
    storage,
    gpus: await readGpus(),
    cpuModel: cpus()[0]?.model ?? "unknown",
  };
}

/**
 * The node's disks and the size of its root filesystem. Disks are the whole block devices in
 * /sys/block; where that shows none (some containers), the devices mounted from /dev, sized by
 * statfs of their first mount point.
 */
export function readStorage(paths = { sysBlock: "/sys/block", mounts: "/proc/mounts" }): StorageFacts {
  const root = statfsSync("/");
  let disks = readBlockDisks(paths.sysBlock);
  if (disks.length === 0) {
    let mounts = "";
    try {
      mounts = readFileSync(paths.mounts, "utf8");
    } catch {}
    disks = mountedDisks(parseMounts(mounts));
  }
  return { disks, size: Math.round((root.blocks * root.bsize) / 2 ** 20) };
}

/** Optical and floppy drives, and devices built on others (loop, RAM, device mapper, RAID). */
const NOT_A_DISK = /^(loop|ram|zram|nbd|dm-|md|sr|fd)\d/;

/**
 * Whole disks from a /sys/block tree: entries backed by a device (virtual ones have no `device`),
 * with a size (`size` counts 512-byte sectors whatever the disk's block size).
 */
export function readBlockDisks(sysBlock: string): DiskFact[] {
  let names: string[];
  try {
    names = readdirSync(sysBlock).sort();
  } catch {
    return [];
  }
  const disks: DiskFact[] = [];
  for (const name of names) {
    if (NOT_A_DISK.test(name) || !existsSync(join(sysBlock, name, "device"))) continue;
    let sectors = Number.NaN;
    try {
      sectors = Number(readFileSync(join(sysBlock, name, "size"), "utf8").trim());
    } catch {}
    if (Number.isFinite(sectors) && sectors > 0)
      disks.push({ name, sizeMb: Math.round((sectors * 512) / 2 ** 20) });
  }
  return disks;
}

export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
}

/** /proc/mounts lines (`device mountpoint fstype options 0 0`, spaces in paths escaped as \040). */
export function parseMounts(text: string): MountEntry[] {
  const octal = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
  return text
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 3 && cols[0] !== "")
    .map(([device, mountPoint, fsType]) => ({
      device: octal(device as string),
      mountPoint: octal(mountPoint as string),
      fsType: fsType as string,
    }));
}

/** One disk per device mounted from /dev (loop devices aside), sized by `sizeOf` its first mount point. */
export function mountedDisks(
  mounts: MountEntry[],
  sizeOf: (mountPoint: string) => number | undefined = statfsMb,
): DiskFact[] {
  const seen = new Set<string>();
  const disks: DiskFact[] = [];
  for (const m of mounts) {
    if (!m.device.startsWith("/dev/") || m.device.startsWith("/dev/loop") || seen.has(m.device)) continue;
    seen.add(m.device);
    const sizeMb = sizeOf(m.mountPoint);
    if (sizeMb !== undefined && sizeMb > 0) disks.push({ name: m.device.slice("/dev/".length), sizeMb });
  }
  return disks;
}

function statfsMb(mountPoint: string): number | undefined {
  try {
    const fs = statfsSync(mountPoint);
    return Math.round((fs.blocks * fs.bsize) / 2 ** 20);
  } catch {
    return undefined;
  }
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
