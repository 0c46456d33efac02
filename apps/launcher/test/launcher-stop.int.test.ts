import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describeProcess, findFreePort, processesOfHome, stopProcesses } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const homes: string[] = [];

/** A first start: a new home, the examples seeded, the console off unless asked for. */
async function firstStart(extra: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), "aios-stop-"));
  chmodSync(home, 0o755);
  homes.push(home);
  const [apiPort, webPort] = [await findFreePort(), await findFreePort()];
  const child = spawn(process.execPath, ["--import", "tsx", "apps/launcher/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      AIOS_HOME: home,
      AIOS_WEB: "0",
      AIOS_API_PORT: String(apiPort),
      AIOS_WEB_PORT: String(webPort),
      // Not 8001: a product running on this machine may hold it.
      AIOS_GRPC_PORT: "off",
      AIOS_AGENT_METRICS_PORT: "off",
      AIOS_LOG_FORMAT: "json",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const until = async (what: string, check: () => boolean, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (child.exitCode !== null) throw new Error(`launcher exited before ${what}:\n${output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { home, child, exited, apiPort, output: () => output, until };
}

/** The agent's workload records: a block's executor or instance being started has one. */
const workloadsOf = (home: string) => {
  const dir = join(home, "agent", "local", "workloads");
  return existsSync(dir) ? readdirSync(dir) : [];
};

async function expectNothingLeft(run: { home: string; exited: Promise<number | null> }, timeoutMs = 15_000) {
  await run.exited;
  expect(await waitForNoProcesses(run.home, timeoutMs)).toEqual([]);
}

/** Polls until the run has no process left; those left at the deadline otherwise, described. */
async function waitForNoProcesses(home: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesOfHome(home);
    if (left.length === 0 || Date.now() > deadline) return left.map(describeProcess);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("stopping npm start leaves no process behind", () => {
  afterEach(async () => {
    for (const home of homes.splice(0)) {
      await stopProcesses(processesOfHome(home), 0);
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("Ctrl-C while the example blocks deploy on the first start", async () => {
    const run = await firstStart();
    await run.until("the first workload starting", () => workloadsOf(run.home).length > 0);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    await expectNothingLeft(run);
  }, 180_000);

  it("Ctrl-C right after the first start is healthy", async () => {
    const run = await firstStart();
    await run.until("running", () => run.output().includes('"msg":"AIOS is running"'));
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    await expectNothingLeft(run);
  }, 180_000);

  it("Ctrl-C during the console build", async () => {
    // The console's build is shared by every run of this checkout: make this start build it.
    rmSync(join(root, "apps/web/.next/aios-source-hash"), { force: true });
    const run = await firstStart({ AIOS_WEB: "1" });
    await run.until("the console build", () => run.output().includes("building the console"));
    await new Promise((r) => setTimeout(r, 3_000));
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    await expectNothingLeft(run);
  }, 180_000);

  it("SIGKILL of the launcher: its reaper stops the services, the agent its workloads, then the data stores", async () => {
    const run = await firstStart();
    await run.until("running", () => run.output().includes('"msg":"AIOS is running"'));
    await run.until("workloads", () => workloadsOf(run.home).length > 0);
    run.child.kill("SIGKILL");
    await expectNothingLeft(run, 60_000);
  }, 180_000);

  it("kill -9 of the agent or the API: the launcher restarts it, the agent adopts its workloads", async () => {
    const run = await firstStart();
    await run.until("running", () => run.output().includes('"msg":"AIOS is running"'));
    await run.until("blocks deployed", () => workloadsOf(run.home).length >= 2);
    const workloads = () =>
      processesOfHome(run.home).filter((p) =>
        p.argv.some((a) => a.includes("block-runtime") || a.includes("examples/components")),
      );
    await new Promise((r) => setTimeout(r, 2_000));
    const before = workloads()
      .map((p) => p.pid)
      .sort();
    expect(before.length).toBeGreaterThan(0);
    const agent = processesOfHome(run.home).find((p) =>
      p.argv.some((a) => a.includes("apps/agents/src/main.ts")),
    );
    expect(agent).toBeDefined();
    process.kill(agent?.pid ?? 0, "SIGKILL");
    await run.until("the agent restarted", () =>
      run.output().includes('"msg":"agent exited unexpectedly; restarting"'),
    );
    await run.until(
      "the workloads adopted",
      () => run.output().includes('"msg":"adopted running processes"'),
      60_000,
    );
    // Nothing was started twice and nothing was orphaned: the same processes serve on.
    for (const pid of before) expect(workloads().map((p) => p.pid)).toContain(pid);

    const api = processesOfHome(run.home).find((p) => p.argv.some((a) => a.includes("apps/api/src/main.ts")));
    process.kill(api?.pid ?? 0, "SIGKILL");
    await run.until("the API restarted", () =>
      run.output().includes('"msg":"api exited unexpectedly; restarting"'),
    );
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${run.apiPort}/healthz`).catch(() => null))?.status, {
        timeout: 60_000,
      })
      .toBe(200);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    await expectNothingLeft(run);
  }, 240_000);
});
