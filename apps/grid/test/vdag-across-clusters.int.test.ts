import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type ApiClient, createApiClient } from "@aios/client";
import type { TVdagTraceStep } from "@aios/contracts";
import { loadSpecFile } from "@aios/contracts/files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../src/host-processes";
import type { GridStatus } from "../src/status";
import { grid, REPO_ROOT, runGrid } from "./grid-cli";
import { until } from "./grid-test-kit";

/**
 * A vDAG across clusters on a real grid (4 clusters of one node each, no console): its three steps
 * run on blocks of c1, c2 and c3, its controller on c4, every one on its own host (network
 * namespace). The promise: a request goes through all three clusters, sync, async and from the
 * CLI, and its trace names each step's cluster and node. Its own grid name, subnet and home, so
 * it runs beside the other grid test; its traffic goes only to the grid's own hosts.
 */
const parent = mkdtempSync(join(tmpdir(), "aios-grid-vdag-"));
chmodSync(parent, 0o711); // the hosts' workload users and PostgreSQL pass through it
const env = {
  AIOS_GRID_HOME: join(parent, "grid"),
  AIOS_GRID_NAME: "aiosx",
  AIOS_GRID_SUBNET: "10.215.0.0/16",
};
const VDAG = "across-clusters:1.0.0-stable";
const SPECS = resolve(REPO_ROOT, "apps/grid/specs/cross-cluster-vdag.json");
const COMPONENTS = resolve(REPO_ROOT, "examples/specs/components.json");
const AIOS_CLI = resolve(REPO_ROOT, "packages/client/bin/aios.mjs");
/** Step label -> the cluster its block is on, as the spec file places them. */
const PLACED = { step1: "c1", step2: "c2", step3: "c3" } as const;

interface VdagAnswer {
  taskId: string;
  status?: string;
  packet?: { data: Record<string, unknown>; session_id?: string };
  trace: TVdagTraceStep[];
  durationMs?: number;
  error?: { message: string };
}

let status: GridStatus;
let api: ApiClient;
let token = "";
/** The async request's task, traced again by the CLI. */
let asyncTaskId = "";

const addressOf = (clusterId: string) => {
  const host = status.hosts.find((h) => h.clusterId === clusterId);
  if (!host) throw new Error(`no host of cluster ${clusterId} in the grid`);
  return host.address;
};
const hostOfUrl = (url: string | null | undefined) => (url ? new URL(url).hostname : null);
/** Where each step ran, as its trace says: label -> [cluster, node]. */
const whereStepsRan = (trace: TVdagTraceStep[]) =>
  Object.fromEntries(trace.map((s) => [s.nodeLabel, [s.clusterId, s.nodeId, s.status]]));
const EXPECTED_WHERE = Object.fromEntries(
  Object.entries(PLACED).map(([label, cluster]) => [label, [cluster, `${cluster}-n1`, "ok"]]),
);
const figure = (line: string) => process.stdout.write(`grid vDAG across clusters: ${line}\n`);

async function dataPlane(
  path: string,
  body?: unknown,
): Promise<{ status: number; body: VdagAnswer; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${status.apiUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await res.json()) as VdagAnswer;
  return { status: res.status, body: answer, ms: performance.now() - t0 };
}
const inferPath = `/v1/vdags/${encodeURIComponent(VDAG)}/infer`;

/** The real CLI (`aios`), as a person runs it against the grid. */
function aios(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(
      process.execPath,
      [AIOS_CLI, ...args],
      { env: { ...process.env, AIOS_API_URL: status.apiUrl, AIOS_TOKEN: token }, timeout: 60_000 },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

describe("a vDAG across clusters on the grid: steps on c1, c2, c3, its controller on c4", () => {
  beforeAll(async () => {
    await grid(["up", "--clusters", "4", "--nodes", "1", "--no-console"], env);
    status = JSON.parse((await grid(["status", "--json"], env)).stdout) as GridStatus;
    token = readFileSync(status.adminTokenFile, "utf8").trim();
    api = createApiClient({ url: status.apiUrl, token });
    const echo = loadSpecFile(COMPONENTS).filter(
      ({ document }) =>
        (document as { body: { spec: { values: { componentId?: { name?: string } } } } }).body.spec.values
          .componentId?.name === "echo",
    );
    expect(echo).toHaveLength(1);
    for (const { document } of [...echo, ...loadSpecFile(SPECS)])
      await api.parser.applySpec.mutate({ document });
    await until("the three blocks to run", 180_000, async () => {
      const blocks = await Promise.all(
        Object.values(PLACED).map((c) => api.blocks.get.query({ id: `echo-${c}` })),
      );
      return blocks.every((b) => b.status === "running") ? blocks : null;
    });
    await until(`vDAG ${VDAG} to be active`, 120_000, async () =>
      (await api.vdags.get.query({ vdagURI: VDAG })).status === "active" ? true : null,
    );
  }, 480_000);

  afterAll(async () => {
    // Whatever happened above, nothing of the grid outlives the test.
    await runGrid(["down"], env);
    rmSync(parent, { recursive: true, force: true });
  }, 120_000);

  it("runs each block on its cluster's host and the controller on c4's, each listening on its host's address", async () => {
    for (const [label, cluster] of Object.entries(PLACED)) {
      const block = await api.blocks.get.query({ id: `echo-${cluster}` });
      expect([label, block.clusterId, block.executorNodeId]).toEqual([label, cluster, `${cluster}-n1`]);
      const runtime = (block.doc as { runtime?: { executorEndpoint?: string } }).runtime;
      expect(hostOfUrl(runtime?.executorEndpoint)).toBe(addressOf(cluster));
      const instances = await api.blocks.instances.query({ id: block.id });
      expect(instances.map((i) => [i.nodeId, hostOfUrl(i.endpoint)])).toEqual([
        [`${cluster}-n1`, addressOf(cluster)],
      ]);
    }
    const controllers = await api.vdags.controllers.query({ vdagURI: VDAG });
    expect(controllers.map((c) => [c.clusterId, c.status, hostOfUrl(c.url)])).toEqual([
      ["c4", "running", addressOf("c4")],
    ]);
    // Nothing a node runs listens on loopback (or on every address): only on its host's address.
    for (const host of status.hosts.filter((h) => h.role === "node")) {
      const listening = execFileSync("ip", ["netns", "exec", host.namespace, "ss", "-Htln"], {
        encoding: "utf8",
      })
        .split("\n")
        .filter(Boolean)
        .map((line) => line.trim().split(/\s+/)[3] ?? "");
      expect(listening.length).toBeGreaterThan(0);
      expect(listening.filter((a) => !a.startsWith(`${host.address}:`))).toEqual([]);
    }
  });

  it("aios infer vdag answers through the three clusters, and its trace names each step's cluster and node", async () => {
    const t0 = performance.now();
    const run = await aios(["infer", "vdag", VDAG, "--data", '{"message":"hello from the grid"}']);
    const ms = performance.now() - t0;
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"message": "hello from the grid"');
    const lines = run.stdout.split("\n");
    const head = lines.findIndex((l) => l.startsWith("STEP"));
    expect(lines[head]?.split(/\s+/).slice(0, 6)).toEqual([
      "STEP",
      "BLOCK",
      "CLUSTER",
      "NODE",
      "INSTANCE",
      "STATUS",
    ]);
    const rows = lines.slice(head + 1, head + 4).map((l) => l.split(/\s+/).slice(0, 6));
    expect(rows).toEqual(
      Object.entries(PLACED).map(([label, c]) => [
        label,
        `echo-${c}`,
        c,
        `${c}-n1`,
        expect.stringMatching(/^in-/),
        "ok",
      ]),
    );
    figure(`aios infer vdag (a CLI process, its start included): ${ms.toFixed(0)} ms`);
    process.stdout.write(`${lines.slice(head, head + 4).join("\n")}\n`);
  });

  it("answers a sync request through the API's data plane, in its session, with the same trace", async () => {
    const r = await dataPlane(inferPath, { session_id: "grid-session", data: { message: "sync" } });
    expect(r.status).toBe(200);
    expect(r.body.error).toBeUndefined();
    expect(r.body.packet?.data.message).toBe("sync");
    expect(r.body.packet?.session_id).toBe("grid-session");
    expect(whereStepsRan(r.body.trace)).toEqual(EXPECTED_WHERE);
    const again = await dataPlane(inferPath, { session_id: "grid-session", data: { message: "sync 2" } });
    expect(again.status).toBe(200);
    figure(
      `sync request: ${r.ms.toFixed(1)} ms at the client (controller's walk ${r.body.durationMs?.toFixed(1)} ms; ` +
        `steps ${r.body.trace.map((s) => `${s.nodeLabel}@${s.clusterId}/${s.nodeId} ${s.durationMs.toFixed(1)} ms`).join(", ")}); ` +
        `a second one: ${again.ms.toFixed(1)} ms`,
    );
  });

  it("takes an async request (202), then its task completes with the same trace", async () => {
    const accepted = await dataPlane(`${inferPath}?async=1`, { data: { message: "async" } });
    expect(accepted.status).toBe(202);
    const taskId = accepted.body.taskId;
    expect(taskId).toBeTruthy();
    asyncTaskId = taskId;
    const t0 = performance.now();
    const task = await until(
      `task ${taskId} to finish`,
      60_000,
      async () => {
        const r = await dataPlane(`/v1/tasks/${taskId}`);
        const s = (r.body as { status?: string }).status;
        return s === "succeeded" || s === "failed" ? r.body : null;
      },
      50,
    );
    const doneMs = performance.now() - t0;
    expect(task.status).toBe("succeeded");
    expect(
      (task as { result?: { packet?: { data?: { message?: string } } } }).result?.packet?.data?.message,
    ).toBe("async");
    expect(whereStepsRan(task.trace)).toEqual(EXPECTED_WHERE);
    figure(
      `async request: accepted (202) in ${accepted.ms.toFixed(1)} ms, task seen succeeded ${doneMs.toFixed(0)} ms later`,
    );
  });

  it("aios trace of the async task names the same clusters and nodes", async () => {
    expect(asyncTaskId).not.toBe("");
    const run = await aios(["trace", asyncTaskId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`task ${asyncTaskId} of ${VDAG}: succeeded`);
    for (const [label, c] of Object.entries(PLACED))
      expect(run.stdout).toMatch(new RegExp(`${label}\\s+echo-${c}\\s+${c}\\s+${c}-n1\\s+in-\\w+\\s+ok`));
  });

  it("down leaves no namespace, link, route or process of the grid", async () => {
    await grid(["down"], env);
    const ip = (...args: string[]) => execFileSync("ip", args, { encoding: "utf8" });
    expect(
      ip("netns", "list")
        .split("\n")
        .filter((l) => l.startsWith(`${env.AIOS_GRID_NAME}-`)),
    ).toEqual([]);
    expect(
      ip("-o", "link", "show")
        .split("\n")
        .filter((l) => l.includes(`: ${env.AIOS_GRID_NAME}`)),
    ).toEqual([]);
    expect(
      ip("route", "show")
        .split("\n")
        .filter((l) => l.includes("10.215.")),
    ).toEqual([]);
    expect(status.hosts.flatMap((h) => h.pids).filter(isAlive)).toEqual([]);
  });
});
