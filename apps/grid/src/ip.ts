import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { GridError } from "./errors";

/** The `ip` binary (iproute2) on PATH, or null. */
export function findIp(pathEnv = process.env.PATH ?? ""): string | null {
  for (const dir of [...pathEnv.split(delimiter), "/usr/sbin", "/sbin"]) {
    if (dir && existsSync(join(dir, "ip"))) return join(dir, "ip");
  }
  return null;
}

let ipBinary: string | null = null;

/** Runs `ip ARGS`; a failure is a GridError naming the command and the first line it printed. */
export function ip(...args: string[]): string {
  ipBinary ??= findIp();
  if (!ipBinary) throw new GridError("`ip` (iproute2) was not found on PATH: install iproute2");
  try {
    return execFileSync(ipBinary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "").trim();
    const reason = stderr.split("\n")[0] || (err as Error).message;
    throw new GridError(`ip ${args.join(" ")}: ${reason}`);
  }
}

/** `ip` that may fail (removing what may already be gone): true when it succeeded. */
export function tryIp(...args: string[]): boolean {
  try {
    ip(...args);
    return true;
  } catch {
    return false;
  }
}

export function ipJson<T>(...args: string[]): T[] {
  const out = ip("-j", ...args).trim();
  return out ? (JSON.parse(out) as T[]) : [];
}

export const namespaces = (): string[] =>
  ip("netns", "list")
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter(Boolean);

/** The processes whose network namespace is `namespace` (`ip netns pids`). */
export function namespacePids(namespace: string): number[] {
  try {
    return ip("netns", "pids", namespace)
      .split("\n")
      .filter(Boolean)
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > 0 && pid !== process.pid);
  } catch {
    return []; // the namespace is gone
  }
}

export interface IpLink {
  ifname: string;
  flags: string[];
  operstate?: string;
  master?: string;
}

export interface IpRoute {
  dst: string;
  type?: string;
  dev?: string;
}

export const links = () => ipJson<IpLink>("link", "show");
/** The root namespace's main table, every type (unicast, unreachable, ...). */
export const routes = () => ipJson<IpRoute>("route", "show");
