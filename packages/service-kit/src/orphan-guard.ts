import { closeSync, openSync, utimesSync } from "node:fs";
import { resolve } from "node:path";

/** The preload a workload is started with (`node --import <this>`); plain JavaScript, no loader. */
export const ORPHAN_GUARD_PRELOAD = resolve(import.meta.dirname, "../preload/orphan-guard.mjs");

/**
 * The environment that arms a workload's orphan guard; a grace of 0 disarms it. `fd`: the number
 * the workload has the alive file open as (a workload of another user cannot reach it by path).
 */
export function orphanGuardEnv(aliveFile: string, graceSeconds: number, fd?: number): Record<string, string> {
  return {
    AIOS_AGENT_ALIVE_FILE: aliveFile,
    AIOS_ORPHAN_GRACE_SECONDS: String(graceSeconds),
    ...(fd !== undefined ? { AIOS_AGENT_ALIVE_FD: String(fd) } : {}),
  };
}

/**
 * The agent's side: touches `file` now and then every `intervalMs`, so that its workloads' guards
 * know it is there. `stop()` leaves the file as it is: a next agent, started within the grace,
 * touches it again and adopts them.
 */
export function startAliveBeacon(file: string, intervalMs: number): { stop(): void } {
  const touch = () => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      closeSync(openSync(file, "a"));
      utimesSync(file, now, now);
    }
  };
  touch();
  const timer = setInterval(() => {
    try {
      touch();
    } catch {
      // its directory went away (the state removed under us): the next tick tries again
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** How often the beacon beats for a grace: often enough that a guard never sees a live agent as gone. */
export function beaconIntervalMs(graceSeconds: number): number {
  return Math.max(100, Math.min(5_000, (graceSeconds * 1000) / 6));
}
