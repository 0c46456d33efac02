import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  descendantsOf,
  describeProcess,
  listProcesses,
  processesOfHome,
  stopProcesses,
  waitForExit,
} from "../src";

const home = mkdtempSync(join(tmpdir(), "bench-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill("SIGKILL");
});

/** A node process idling forever; `spawnsChild`: it starts another one in its own process group. */
function idle(opts: {
  env?: Record<string, string>;
  args?: string[];
  detached?: boolean;
  spawnsChild?: boolean;
}) {
  const grandchild = `require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });`;
  const code = `${opts.spawnsChild ? grandchild : ""} setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", code, ...(opts.args ?? [])], {
    env: { PATH: process.env.PATH ?? "", ...opts.env },
    stdio: "ignore",
    detached: opts.detached ?? false,
  });
  started.push(child);
  return child;
}

const until = async (what: string, fn: () => boolean) => {
  for (let i = 0; i < 400 && !fn(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!fn()) throw new Error(`timed out waiting for ${what}`);
};

describe("processes", () => {
  it("finds a home's processes by AIOS_HOME in their environment or a path inside it in their arguments", async () => {
    const byEnv = idle({ env: { AIOS_HOME: home }, detached: true });
    const byArg = idle({ args: [`${home}/postgres`] });
    const other = idle({ env: { AIOS_HOME: `${home}-other` }, args: [`${home}-other/postgres`] });
    const pids = () => processesOfHome(home).map((p) => p.pid);
    await until("the processes to start", () => pids().length === 2);
    expect(pids().sort()).toEqual([byEnv.pid, byArg.pid].sort());
    expect(pids()).not.toContain(other.pid);
    expect(pids()).not.toContain(process.pid);
  });

  it("stops a process and the process group it leads, and waits for them", async () => {
    const leader = idle({ detached: true, spawnsChild: true });
    await until("the grandchild to start", () => descendantsOf(leader.pid ?? 0).length === 1);
    const grandchild = descendantsOf(leader.pid ?? 0)[0]?.pid ?? 0;
    const info = listProcesses().filter((p) => p.pid === leader.pid);
    expect(info[0]?.pgid).toBe(leader.pid);
    await stopProcesses(info, 2_000);
    expect(await waitForExit([leader.pid ?? 0, grandchild], 2_000)).toBe(true);
  });

  it("kills a process that ignores SIGTERM after the grace period", async () => {
    const stubborn = spawn(
      process.execPath,
      ["-e", "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);"],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    started.push(stubborn);
    await once(stubborn.stdout as NodeJS.ReadableStream, "data"); // its SIGTERM handler is installed
    await stopProcesses(
      listProcesses().filter((p) => p.pid === stubborn.pid),
      300,
    );
    expect(await waitForExit([stubborn.pid ?? 0], 2_000)).toBe(true);
    if (stubborn.exitCode === null && stubborn.signalCode === null) await once(stubborn, "exit");
    expect(stubborn.signalCode).toBe("SIGKILL");
  });

  it("describes a process by its program and arguments, without node's options", () => {
    const argv = [
      "/usr/bin/node",
      "--no-node-snapshot",
      "--import",
      "tsx",
      "apps/api/src/main.ts",
      "--port=1",
    ];
    expect(describeProcess({ pid: 42, ppid: 1, pgid: 42, argv })).toBe(
      "42 (/usr/bin/node apps/api/src/main.ts)",
    );
  });
});
