import { readFileSync } from "node:fs";
import { namespacePids } from "../src/ip";

/** A workload of a block found among a host's processes: its first process (not its children). */
export interface HostWorkload {
  pid: number;
  uid: number;
  blockId: string;
  /** null: the block's executor. */
  instanceId: string | null;
  command: string;
}

interface ProcInfo {
  ppid: number;
  uid: number;
  env: Map<string, string>;
  command: string;
}

function procInfo(pid: number): ProcInfo | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    const env = new Map(
      readFileSync(`/proc/${pid}/environ`, "utf8")
        .split("\0")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as [string, string]),
    );
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    return { ppid, uid, env, command };
  } catch {
    return null; // gone meanwhile
  }
}

const identity = (p: ProcInfo) => `${p.env.get("BLOCK_ID")}/${p.env.get("INSTANCE_ID") ?? "executor"}`;

/**
 * The workloads of `blockId` running in the namespace (`ip netns pids`), by the BLOCK_ID and
 * INSTANCE_ID the agent starts them with: one entry per workload (a process whose parent is not
 * the same workload), so a workload started twice shows twice.
 */
export function blockWorkloads(namespace: string, blockId: string): HostWorkload[] {
  const pids = namespacePids(namespace);
  const infos = new Map(pids.flatMap((pid) => ((p) => (p ? [[pid, p] as const] : []))(procInfo(pid))));
  const out: HostWorkload[] = [];
  for (const [pid, p] of infos) {
    if (p.env.get("BLOCK_ID") !== blockId) continue;
    const parent = infos.get(p.ppid) ?? procInfo(p.ppid);
    if (parent && parent.env.get("BLOCK_ID") === blockId && identity(parent) === identity(p)) continue;
    out.push({ pid, uid: p.uid, blockId, instanceId: p.env.get("INSTANCE_ID") ?? null, command: p.command });
  }
  return out.sort((a, b) => (a.instanceId ?? "").localeCompare(b.instanceId ?? ""));
}

/** `2201000-2201999` -> whether uid is in it. */
export function inUidRange(range: string | null, uid: number): boolean {
  const [lo, hi] = (range ?? "").split("-").map(Number);
  return lo !== undefined && hi !== undefined && uid >= lo && uid <= hi;
}
