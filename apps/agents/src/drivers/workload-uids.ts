import { readdirSync, statSync } from "node:fs";

/** The uids workloads get one each of (gid the same number), both ends included. */
export interface UidRange {
  first: number;
  last: number;
}

/** High enough that no distribution gives it to users or system accounts (they stay below 65536, containers' subuids from 100000 on). */
export const DEFAULT_WORKLOAD_UIDS = "2000000-2099999";

/** `AIOS_WORKLOAD_UIDS`: `<first>-<last>`, or `off` (null: every workload runs as AIOS_WORKLOAD_USER). */
export function parseUidRange(spec: string): UidRange | null {
  if (spec.trim() === "off") return null;
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(spec);
  if (!m)
    throw new Error(
      `AIOS_WORKLOAD_UIDS must be <first>-<last> (e.g. ${DEFAULT_WORKLOAD_UIDS}) or off, got ${JSON.stringify(spec)}`,
    );
  const first = Number(m[1]);
  const last = Number(m[2]);
  if (first < 1000)
    throw new Error(
      `AIOS_WORKLOAD_UIDS must start at 1000 or above (not root nor a system account), got ${first}`,
    );
  if (last < first) throw new Error(`AIOS_WORKLOAD_UIDS: the last uid ${last} is below the first ${first}`);
  if (last >= 2 ** 32 - 1)
    throw new Error(`AIOS_WORKLOAD_UIDS: the last uid ${last} is past the largest uid ${2 ** 32 - 2}`);
  return { first, last };
}

/**
 * The uids of `range` that are in use: those the given sets name (the agent's leases, its workload
 * records, the owners of homes and system directories) and those any process of this machine runs
 * as (a workload of an agent that was restarted, something a workload left running).
 */
export function uidsInUse(range: UidRange, sets: Iterable<number>[]): Set<number> {
  const used = new Set<number>();
  const add = (uid: number) => {
    if (uid >= range.first && uid <= range.last) used.add(uid);
  };
  for (const set of sets) for (const uid of set) add(uid);
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      add(statSync(`/proc/${pid}`).uid);
    } catch {
      // gone meanwhile
    }
  }
  return used;
}

/** The lowest uid of `range` not in `used`. */
export function allocateUid(range: UidRange, used: Set<number>): number {
  for (let uid = range.first; uid <= range.last; uid++) if (!used.has(uid)) return uid;
  throw new Error(`AIOS_WORKLOAD_UIDS ${range.first}-${range.last}: every uid is in use by a workload`);
}
