import { execFile, execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiClient } from "@aios/client";
import { processesOfHome } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../src/host-processes";
import type { GridStatus } from "../src/status";
import { probeTcp } from "../src/tcp";
import { GRID_MAIN, grid, REPO_ROOT, reasonOf, runGrid } from "./grid-cli";

/**
 * A real grid of one cluster with one node (no console): separate hosts made of network namespaces
 * on this machine. It needs root and network namespaces; without them it fails with the grid's own
 * one-line reason, it is never skipped. Its traffic goes only to the grid's own hosts.
 */
const parent = mkdtempSync(join(tmpdir(), "aios-grid-"));
chmodSync(parent, 0o711); // the hosts' workload users and PostgreSQL pass through it
const env = {
  AIOS_GRID_HOME: join(parent, "grid"),
  AIOS_GRID_NAME: "aiost",
  AIOS_GRID_SUBNET: "10.213.0.0/16",
};
const SUBNET = env.AIOS_GRID_SUBNET;

const ip = (...args: string[]) => execFileSync("ip", args, { encoding: "utf8" });
const ipJson = <T>(...args: string[]) => JSON.parse(ip("-j", ...args) || "[]") as T[];
const gridNamespaces = () =>
  ip("netns", "list")
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(`${env.AIOS_GRID_NAME}-`));
const gridLinks = () =>
  ipJson<{ ifname: string }>("link", "show")
    .map((l) => l.ifname)
    .filter((n) => n.startsWith(env.AIOS_GRID_NAME));
const gridRoutes = () =>
  ipJson<{ dst: string; type?: string }>("route", "show").filter((r) => r.dst === SUBNET);
const status = async () => JSON.parse((await grid(["status", "--json"], env)).stdout) as GridStatus;
const hostOf = (s: GridStatus, name: string) => {
  const host = s.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host ${name} in the status`);
  return host;
};

describe("npm run grid: a multi-host grid on this machine", () => {
  let upOutput = "";

  beforeAll(async () => {
    upOutput = (await grid(["up", "--clusters", "1", "--nodes", "1", "--no-console"], env)).stdout;
  }, 300_000);

  afterAll(async () => {
    // Whatever happened above, nothing of the grid outlives the test.
    await runGrid(["down"], env);
    rmSync(parent, { recursive: true, force: true });
  }, 120_000);

  it("keeps the grid's packets on this machine: an unreachable route covers the whole subnet while it is up", async () => {
    expect(gridRoutes()).toContainEqual(expect.objectContaining({ type: "unreachable", dst: SUBNET }));
    // An address of the subnet outside the bridge's /24 has no way out, not even the default route.
    expect(() => ip("route", "get", "10.213.77.1")).toThrow();
    const s = await status();
    expect(s.unreachableRoute).toBe(true);
    for (const host of s.hosts) {
      const routes = ipJson<{ dst: string }>("-n", host.namespace, "route", "show");
      expect(routes.map((r) => r.dst)).toEqual(["10.213.0.0/24"]); // no default route inside a host
    }
  });

  it("prints, and status --json prints again, every host with its address, role, cluster and node", async () => {
    const s = await status();
    expect(s.hosts.map((h) => [h.name, h.address, h.role, h.clusterId, h.nodeId])).toEqual([
      ["mgmt", "10.213.0.2", "management", null, null],
      ["c1-n1", "10.213.0.3", "node", "c1", "c1-n1"],
    ]);
    expect(s.apiUrl).toBe("http://10.213.0.2:4000");
    expect(s.consoleUrl).toBeNull();
    expect(existsSync(s.adminTokenFile)).toBe(true);
    for (const text of ["10.213.0.2", "10.213.0.3", "c1-n1", s.apiUrl, s.adminTokenFile])
      expect(upOutput).toContain(text);
    const again = await grid(["up", "--clusters", "1", "--nodes", "1", "--no-console"], env).catch((e) => e);
    expect(String(again)).toContain("a grid is already up");
  });

  it("the node's agent joined with an identity of its own and registered through the API from its own address", async () => {
    const s = await status();
    const node = hostOf(s, "c1-n1");
    const api = createApiClient({ url: s.apiUrl, token: readFileSync(s.adminTokenFile, "utf8").trim() });
    const registered = await api.nodes.get.query({ id: "c1-n1" });
    expect(registered.clusterId).toBe("c1");
    expect(registered.lastSeenAt).not.toBeNull();
    const agentTokens = (await api.tokens.list.query()).filter((t) => t.role === "agent" && t.scope === "c1");
    expect(agentTokens.map((t) => t.name)).toContain("agent c1/c1-n1");
    // Its connections to the management host (API and Redis) leave from the node's own address; its
    // heartbeats reach the API every few seconds, so a connection to it shows up soon (any TCP state).
    const connections = () => ip("netns", "exec", node.namespace, "ss", "-Htan");
    expect(connections()).toMatch(/ESTAB.*10\.213\.0\.3:\d+\s+10\.213\.0\.2:6379/);
    await expect
      .poll(connections, { timeout: 30_000, interval: 500 })
      .toMatch(/10\.213\.0\.3:\d+\s+10\.213\.0\.2:4000/);
  });

  it("the API takes workloads in the grid's subnet only, and never at its own Redis or ports there", async () => {
    const s = await status();
    const api = createApiClient({ url: s.apiUrl, token: readFileSync(s.adminTokenFile, "utf8").trim() });
    // A policy executor is a workload the API calls at the address it is registered with.
    const refusals: Array<[string, string]> = [
      ["http://10.213.0.2:6379", "10.213.0.2:6379 is the queues' Redis (REDIS_URL)"],
      ["http://10.213.0.2:4000", "10.213.0.2:4000 is the API (AIOS_API_PORT)"],
      ["http://127.0.0.1:8080", "127.0.0.1 is outside AIOS_WORKLOAD_NETWORKS (10.213.0.0/16)"],
    ];
    for (const [url, why] of refusals) {
      const err = await api.executors.register
        .mutate({ name: "inner", url, capacity: 1, callToken: "t".repeat(40) })
        .catch((e: Error) => e);
      expect(String((err as Error).message)).toContain(`url: ${why}`);
    }
    expect(await api.executors.list.query()).toEqual([]);
  });

  it("cut takes a host off the network and heal brings it back, as seen from the root namespace", async () => {
    const node = hostOf(await status(), "c1-n1");
    // Port 9 has no listener: a reachable host refuses, a cut one does not answer at all.
    expect(await probeTcp(node.address, 9)).toBe("refused");
    await grid(["cut", "c1-n1"], env);
    expect(hostOf(await status(), "c1-n1").linkUp).toBe(false);
    await expect.poll(() => probeTcp(node.address, 9), { timeout: 15_000 }).toBe("unreachable");
    await grid(["heal", "c1-n1"], env);
    expect(hostOf(await status(), "c1-n1").linkUp).toBe(true);
    await expect.poll(() => probeTcp(node.address, 9), { timeout: 15_000 }).toBe("refused");
  });

  it("kill ends every process of a host, and names a host that does not exist", async () => {
    expect(hostOf(await status(), "c1-n1").pids.length).toBeGreaterThan(0);
    await grid(["kill", "c1-n1"], env);
    expect(hostOf(await status(), "c1-n1").pids).toEqual([]);
    const missing = await runGrid(["kill", "c9-n9"], env);
    expect(missing.code).toBe(1);
    expect(reasonOf(missing)).toContain('no host "c9-n9" in the grid: its hosts are mgmt, c1-n1');
  });

  it("down leaves no namespace, link, route, process or data, and a second down finds nothing to do", async () => {
    const pids = (await status()).hosts.flatMap((h) => h.pids);
    expect(pids.length).toBeGreaterThan(0);
    await grid(["down"], env);
    expect(gridNamespaces()).toEqual([]);
    expect(gridLinks()).toEqual([]);
    expect(gridRoutes()).toEqual([]);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(processesOfHome(env.AIOS_GRID_HOME)).toEqual([]);
    expect(existsSync(env.AIOS_GRID_HOME)).toBe(false);
    await grid(["down"], env);
  });
});

describe("npm run grid: who may run it", () => {
  it("refuses a user other than root in one line, before touching the network", async () => {
    const run = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        "setpriv",
        [
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          process.execPath,
          "--import",
          "tsx",
          GRID_MAIN,
          "up",
          "--clusters",
          "1",
          "--nodes",
          "1",
        ],
        { cwd: REPO_ROOT, env: { ...process.env, ...env, HOME: tmpdir() } },
        (err, _stdout, stderr) => done({ code: err ? 1 : 0, stderr }),
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      "grid: npm run grid needs root: it makes network namespaces, links and routes (run it as root)",
    );
  });
});
