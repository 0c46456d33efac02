import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeIdFromHostname } from "../src/env";
import {
  gpuLoadOf,
  mountedDisks,
  parseGpuStatus,
  parseMounts,
  parseNvidiaSmi,
  readBlockDisks,
  readStorage,
} from "../src/node-facts";

describe("node facts", () => {
  it("reads GPUs from nvidia-smi's CSV", () => {
    const csv = "0, NVIDIA A100-SXM4-80GB, 81920\n1, NVIDIA A100-SXM4-80GB, 81920\n";
    expect(parseNvidiaSmi(csv)).toEqual([
      { index: 0, modelName: "NVIDIA A100-SXM4-80GB", memoryMb: 81920 },
      { index: 1, modelName: "NVIDIA A100-SXM4-80GB", memoryMb: 81920 },
    ]);
  });

  it("ignores blank and malformed lines", () => {
    expect(parseNvidiaSmi("\nNo devices were found\n0, Tesla T4, [N/A]\n")).toEqual([]);
  });

  it("folds a hostname into a DNS label for the node id", () => {
    expect(nodeIdFromHostname("GPU_Box.lab.example")).toBe("gpu-box-lab-example");
    expect(nodeIdFromHostname("---")).toBe("node");
  });

  it("reads GPU utilisation and memory for the node metrics", () => {
    const gpus = parseGpuStatus("0, GPU-a, 87, 30000, 81920\n1, GPU-b, [N/A], 0, 81920\n");
    expect(gpuLoadOf(gpus)).toEqual({
      "gpu0.utilization": 87,
      "gpu0.memoryUsedMb": 30000,
      "gpu0.memoryFreeMb": 51920,
    });
  });
});

describe("node storage", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-sys-block-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A /sys/block entry: its `size` file (512-byte sectors) and, for real devices, `device`. */
  function blockDevice(root: string, name: string, sectors: string, backedByDevice = true) {
    mkdirSync(join(root, name), { recursive: true });
    writeFileSync(join(root, name, "size"), `${sectors}\n`);
    if (backedByDevice) mkdirSync(join(root, name, "device"));
  }

  it("counts the whole disks of /sys/block with their sizes, leaving out virtual devices", () => {
    const sys = join(dir, "mixed");
    blockDevice(sys, "nvme0n1", "1000215216"); // 476940 MB
    blockDevice(sys, "sda", "7814037168"); // 3815448 MB
    blockDevice(sys, "loop0", "131072", false);
    blockDevice(sys, "zram0", "8388608", false);
    blockDevice(sys, "dm-0", "209715200", false);
    blockDevice(sys, "sr0", "0"); // a DVD drive without a disc
    blockDevice(sys, "vdb", "0"); // attached, empty
    expect(readBlockDisks(sys)).toEqual([
      { name: "nvme0n1", sizeMb: 488386 },
      { name: "sda", sizeMb: 3815448 },
    ]);
  });

  it("finds no disks where there is no /sys/block", () => {
    expect(readBlockDisks(join(dir, "missing"))).toEqual([]);
  });

  const procMounts = [
    "proc /proc proc rw,relatime 0 0",
    "sysfs /sys sysfs rw,relatime 0 0",
    "overlay / overlay rw,relatime,lowerdir=/var/lib/docker/l/A 0 0",
    "tmpfs /dev/shm tmpfs rw,relatime,size=65536k 0 0",
    "/dev/nvme0n1p2 /etc/hosts ext4 rw,relatime 0 0",
    "/dev/nvme0n1p2 /etc/hostname ext4 rw,relatime 0 0",
    "/dev/sdb1 /mnt/my\\040data xfs rw,relatime 0 0",
    "/dev/loop3 /snap/core/1 squashfs ro 0 0",
    "",
  ].join("\n");

  it("parses /proc/mounts, with escaped spaces in paths", () => {
    const mounts = parseMounts(procMounts);
    expect(mounts).toHaveLength(8);
    expect(mounts[6]).toEqual({ device: "/dev/sdb1", mountPoint: "/mnt/my data", fsType: "xfs" });
  });

  it("without /sys/block, counts each device mounted from /dev once, sized by its first mount point", () => {
    const sizes: Record<string, number> = { "/etc/hosts": 476000, "/mnt/my data": 931000 };
    const statted: string[] = [];
    const disks = mountedDisks(parseMounts(procMounts), (mountPoint) => {
      statted.push(mountPoint);
      return sizes[mountPoint];
    });
    expect(disks).toEqual([
      { name: "nvme0n1p2", sizeMb: 476000 },
      { name: "sdb1", sizeMb: 931000 },
    ]);
    expect(statted).toEqual(["/etc/hosts", "/mnt/my data"]);
  });

  it("reports this machine's storage: disks and the root filesystem's size", () => {
    const storage = readStorage({ sysBlock: join(dir, "missing"), mounts: join(dir, "no-mounts") });
    expect(storage.disks).toEqual([]);
    expect(storage.size).toBeGreaterThan(0);
    const real = readStorage();
    expect(real.size).toBe(storage.size);
    for (const d of real.disks) expect(d.sizeMb).toBeGreaterThan(0);
  });
});
