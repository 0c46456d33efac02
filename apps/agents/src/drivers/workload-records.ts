import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SidecarRecord } from "./instance-sidecars";

/** What the process driver keeps of a workload, so a restarted agent adopts what still runs. */
export interface WorkloadRecord {
  name: string;
  labels: { [key: string]: string };
  pid: number;
  endpoint: string;
  entry: string;
  /** Absent in records of workloads started without one (or by an older agent). */
  controlToken?: string;
  /** Its data token (`AIOS_DATA_TOKEN`), absent likewise. */
  dataToken?: string;
  /** The uid (and gid) it runs as when it has one of its own (see WorkloadIdentity.uids). */
  uid?: number;
  /** An instance's side-cars (instance-sidecars.ts), stopped and adopted with it. */
  sidecars?: SidecarRecord[];
}

/**
 * The records in `dir`, one `<name>.json` per workload. A record holds the workload's tokens, so
 * records are 0600 in a 0700 directory.
 */
export function workloadRecords(dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // also when an older agent made it
  const fileOf = (name: string) => join(dir, `${name}.json`);
  const names = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5));
  const read = (name: string): WorkloadRecord | null => {
    try {
      return JSON.parse(readFileSync(fileOf(name), "utf8")) as WorkloadRecord;
    } catch {
      return null;
    }
  };
  return {
    names,
    read: (name: string) => (existsSync(fileOf(name)) ? read(name) : null),
    /** Written 0600 (it may hold the workload's tokens), also over a file an earlier start left. */
    write(record: WorkloadRecord) {
      rmSync(fileOf(record.name), { force: true });
      writeFileSync(fileOf(record.name), JSON.stringify(record), { mode: 0o600, flag: "wx" });
    },
    remove: (name: string) => rmSync(fileOf(name), { force: true }),
    /** The uids of the workloads recorded: none is given to a new one. */
    uids: () => names().flatMap((name) => (read(name)?.uid !== undefined ? [read(name)?.uid as number] : [])),
  };
}
