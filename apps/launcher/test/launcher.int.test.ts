import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findFreePort, isRunning } from "@aios/service-kit";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const home = mkdtempSync(join(tmpdir(), "aios-launcher-"));
chmodSync(home, 0o755);
/** Launchers still running when a test ends (it failed midway): stopped before the home goes. */
const launched = new Set<ChildProcess>();

function start(apiPort: number, extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/launcher/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      AIOS_HOME: home,
      AIOS_WEB: "0",
      AIOS_API_PORT: String(apiPort),
      // Not 8001: a product running on this machine may hold it.
      AIOS_GRPC_PORT: "off",
      AIOS_AGENT_METRICS_PORT: "off",
      AIOS_LOG_FORMAT: "json",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  launched.add(child);
  child.once("exit", () => launched.delete(child));
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const running = new Promise<void>((ok, fail) => {
    const timer = setInterval(() => {
      if (output.includes('"msg":"AIOS is running"')) {
        clearInterval(timer);
        ok();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        fail(new Error(`launcher exited early:\n${output}`));
      }
    }, 100);
  });
  return { child, running, output: () => output };
}

function pidIn(file: string): number {
  return Number.parseInt(readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
}

interface Health {
  status: string;
  agents: { live: number; clusters?: Array<{ id: string; live: boolean }> };
}

async function health(port: number, token?: string): Promise<Health> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return (await (await fetch(`http://127.0.0.1:${port}/healthz`, { headers })).json()) as Health;
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  child.kill("SIGTERM");
  return exited;
}

describe("npm start (launcher)", () => {
  afterAll(async () => {
    await Promise.all([...launched].map((child) => stop(child)));
    rmSync(home, { recursive: true, force: true });
  });

  it("runs the stack, then stops every process it started on SIGTERM; a second start keeps the data", async () => {
    const port = await findFreePort();
    const first = start(port);
    await first.running;
    expect((await health(port)).status).toBe("ok");
    await expect.poll(async () => (await health(port)).agents.live, { timeout: 20_000 }).toBe(1);
    const postgresPid = pidIn(join(home, "postgres", "postmaster.pid"));
    const redisPid = pidIn(join(home, "redis", "redis.pid"));
    expect(isRunning(postgresPid) && isRunning(redisPid)).toBe(true);
    // The embedded PostgreSQL's password: random, kept in AIOS_HOME for this user alone.
    expect(statSync(join(home, "postgres.password")).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain('"msg":"queues: Redis (private redis-server)"');
    // Every example applies on the first start, blocks and vDAGs included (before the agent's node).
    expect(first.output()).toMatch(/"msg":"examples loaded".*"skipped":0/);

    expect(await stop(first.child)).toBe(0);
    expect(isRunning(postgresPid)).toBe(false);
    expect(isRunning(redisPid)).toBe(false);
    expect(existsSync(join(home, "postgres", "postmaster.pid"))).toBe(false);

    const second = start(port);
    await second.running;
    const res = await fetch(`http://127.0.0.1:${port}/trpc/components.list`);
    const listed = (await res.json()) as { result: { data: unknown[] } };
    expect(listed.result.data.length).toBeGreaterThanOrEqual(4);
    expect(second.output()).toContain('"created":0');
    expect(await stop(second.child)).toBe(0);
  }, 120_000);

  it("in token mode issues local tokens: the agent registers with its own, anonymous calls are refused", async () => {
    const port = await findFreePort();
    const run = start(port, { AIOS_AUTH: "token", AIOS_CLUSTER_ID: "tokened" });
    await run.running;
    const anonymous = await fetch(`http://127.0.0.1:${port}/trpc/clusters.list`);
    expect(anonymous.status).toBe(401);
    const admin = readFileSync(join(home, "tokens", "admin"), "utf8").trim();
    const authed = await fetch(`http://127.0.0.1:${port}/trpc/clusters.list`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(authed.status).toBe(200);
    // Anonymous callers see counts, not cluster ids.
    expect((await health(port)).agents.clusters).toBeUndefined();
    await expect
      .poll(async () => (await health(port, admin)).agents.clusters?.find((c) => c.id === "tokened")?.live, {
        timeout: 20_000,
      })
      .toBe(true);
    expect(await stop(run.child)).toBe(0);
  }, 120_000);
});
