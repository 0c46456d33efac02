import { resolve } from "node:path";
import { describeApiError } from "@aios/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGridConfig } from "../src/config";
import { stopStore } from "../src/stores";
import { grid, REPO_ROOT } from "./grid-cli";
import {
  applyEchoAnd,
  bringUp,
  exampleDocument,
  type GridSession,
  gridOfOwn,
  POLICIES,
  tearDownGrid,
  until,
} from "./grid-test-kit";
import { blockWorkloads } from "./host-workloads";
import { ok, stream } from "./vdag-stream";

/**
 * The management host's data stores restarted under load (`npm run grid -- stop-store` /
 * `start-store`): Redis during a stream of vDAG requests, PostgreSQL during a block's deploy and a
 * scale. A grid of two clusters of one node (name `aioss`, subnet 10.221.0.0/16): the vDAG's step
 * on c1, its controller on c2. Figures are printed, not asserted.
 */
const own = gridOfOwn("aios-grid-stores-", "aioss", "10.221.0.0/16");
const { env } = own;
const VDAG = "controlled-from-c2:1.0.0-stable";
const SPEC = resolve(REPO_ROOT, "apps/grid/specs/controller-host.json");

let g: GridSession;
const figure = (line: string) => process.stdout.write(`grid stores: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (x: number) => `${x.toFixed(0)} ms`;
const c1 = () => {
  const host = g.status.hosts.find((h) => h.clusterId === "c1");
  if (!host) throw new Error("no host of c1 in the grid");
  return host;
};
const reasonOf = (doc: unknown) =>
  (doc as { runtime?: { statusReason?: string } }).runtime?.statusReason ?? "";
/** A tRPC query over HTTP with the admin token: its status and error message (if any). */
async function trpcGet(path: string, input: unknown) {
  const res = await fetch(
    `${g.status.apiUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
    {
      headers: { authorization: `Bearer ${g.token}` },
      signal: AbortSignal.timeout(30_000),
    },
  );
  const body = (await res.json()) as { error?: { message?: string } };
  return { status: res.status, message: body.error?.message ?? null };
}
/** What a call answered, and in how long: its value or its error's message. */
async function timed<T>(call: () => Promise<T>) {
  const t0 = performance.now();
  try {
    return { value: await call(), error: null, ms: performance.now() - t0 };
  } catch (err) {
    return { value: null, error: describeApiError(err), ms: performance.now() - t0 };
  }
}

/**
 * The block runs with exactly `n` healthy instances, and c1's host runs exactly their workloads (one
 * process each) and one executor, and no other host runs any of the block's.
 */
async function settledWith(blockId: string, n: number) {
  const host = c1();
  return until(
    `${blockId} to run with ${n} instances and as many workloads on ${host.name}`,
    240_000,
    async () => {
      const block = await g.api.blocks.get.query({ id: blockId });
      const instances = await g.api.blocks.instances.query({ id: blockId });
      const workloads = blockWorkloads(host.namespace, blockId);
      return block.status === "running" &&
        instances.length === n &&
        instances.every((i) => i.status === "healthy") &&
        workloads.filter((w) => w.instanceId !== null).length === n
        ? { block, instances }
        : null;
    },
  );
}

/** No half-made rows: the instances the API lists are the block's processes, one each, on c1 only. */
async function expectRowsMatchProcesses(blockId: string, n: number) {
  const host = c1();
  const block = await g.api.blocks.get.query({ id: blockId });
  const instances = await g.api.blocks.instances.query({ id: blockId });
  expect([block.status, block.desiredInstances, instances.length]).toEqual(["running", n, n]);
  expect(instances.map((i) => [i.nodeId, i.status])).toEqual(Array(n).fill([host.nodeId, "healthy"]));
  for (const h of g.status.hosts) {
    const workloads = blockWorkloads(h.namespace, blockId);
    if (h.name !== host.name) expect([h.name, workloads]).toEqual([h.name, []]);
    else
      expect(workloads.map((w) => w.instanceId).sort()).toEqual(
        [...instances.map((i) => i.id).sort(), null].sort(),
      );
  }
  return instances;
}

describe("faults on the grid: Redis and PostgreSQL restarted on the management host", () => {
  beforeAll(async () => {
    g = await bringUp(env, ["--clusters", "2", "--nodes", "1", "--no-console"]);
    await g.api.parser.applySpec.mutate({ document: exampleDocument(POLICIES, "per-session-quota") });
    await applyEchoAnd(g.api, [SPEC]);
    await until("echo-c1 to run", 180_000, async () =>
      (await g.api.blocks.get.query({ id: "echo-c1" })).status === "running" ? true : null,
    );
    await until(`vDAG ${VDAG} to be active`, 120_000, async () =>
      (await g.api.vdags.get.query({ vdagURI: VDAG })).status === "active" ? true : null,
    );
  }, 480_000);

  afterAll(async () => {
    await tearDownGrid(own, g);
  }, 120_000);

  it("restart Redis during a stream of vDAG requests: the data path loses none; a scale given while it is down is " +
    "accepted, stored and applied once it is back with no manual step; control commands work again after", async () => {
    const flow = stream(g.status.apiUrl, g.token, VDAG, 100);
    await sleep(2_000);
    const stoppedAt = flow.now();
    await grid(["stop-store", "redis"], env);
    const scaled = await timed(() => g.api.blocks.scale.mutate({ id: "echo-c1", instances: 2 }));
    const logs = await timed(() => g.api.blocks.logs.query({ id: "echo-c1" }));
    await sleep(5_000);
    const startedAt = flow.now();
    await grid(["start-store", "redis"], env);
    await settledWith("echo-c1", 2);
    const appliedAt = flow.now();
    await sleep(2_000);
    const sent = await flow.stop();

    // The data path does not need Redis: not one request lost, before, during or after.
    expect(sent.filter((s) => !ok(s)).map((s) => [s.status, s.answer.error?.message])).toEqual([]);
    expect(sent.some((s) => s.at > stoppedAt && s.at < startedAt)).toBe(true);
    // While it was down: the scale was accepted and stored, saying when its nodes apply it; a
    // command that needs an agent's answer was refused naming Redis.
    expect(scaled.error).toBeNull();
    expect(scaled.value?.desiredInstances).toBe(2);
    expect(reasonOf(scaled.value?.doc)).toMatch(
      /^scaled to 2 instance\(s\); its nodes apply it at their next resync/,
    );
    expect(logs.error).toMatch(/Redis/);
    // Once it is back, control commands reach the nodes again (once the API's client reconnects).
    const lines = await until(
      "blocks.logs to answer again",
      60_000,
      async () => (await g.api.blocks.logs.query({ id: "echo-c1" })).lines,
    );
    const logsAgainAt = flow.now();
    expect(lines.length).toBeGreaterThan(0);
    const down = await g.api.blocks.scale.mutate({ id: "echo-c1", instances: 1 });
    expect(reasonOf(down.doc)).toBe("scaled to 1 instance(s)");
    await settledWith("echo-c1", 1);
    await expectRowsMatchProcesses("echo-c1", 1);

    const during = sent.filter((s) => s.at > stoppedAt && s.at < startedAt);
    figure(
      `Redis stopped ${ms(startedAt - stoppedAt)} during a stream of one vDAG request every 100 ms: ` +
        `${sent.length} requests, ${sent.filter(ok).length} succeeded (${during.length} sent while it was down), ` +
        `p50 ${ms(sent.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(sent.length / 2)] ?? 0)}`,
    );
    figure(
      `while down: blocks.scale answered in ${ms(scaled.ms)} ("${reasonOf(scaled.value?.doc)}"), ` +
        `blocks.logs refused in ${ms(logs.ms)} ("${logs.error}")`,
    );
    figure(
      `the scale given while down applied ${ms(appliedAt - startedAt)} after Redis was back; ` +
        `blocks.logs answered again ${ms(logsAgainAt - startedAt)} after`,
    );
  }, 600_000);

  it("restart Redis while async vDAG tasks are queued, and take more while it is down: every accepted task ends " +
    "(succeeded, or failed or refused with a reason), none stays queued or running, none is lost", async () => {
    // Each step takes 300 ms, so tasks wait in the queue when Redis stops.
    await g.api.blocks.updateParameters.mutate({ id: "echo-c1", parameters: { delayMs: 300 } });
    const send = async (i: number) => {
      const t0 = performance.now();
      const res = await fetch(`${g.status.apiUrl}/v1/vdags/${encodeURIComponent(VDAG)}/infer?async=1`, {
        method: "POST",
        headers: { authorization: `Bearer ${g.token}`, "content-type": "application/json" },
        body: JSON.stringify({ data: { message: `task ${i}` } }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json()) as { taskId?: string; error?: { message?: string } };
      return {
        status: res.status,
        taskId: body.taskId,
        error: body.error?.message,
        ms: performance.now() - t0,
      };
    };
    const before = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i)));
    await grid(["stop-store", "redis"], env);
    const during: Awaited<ReturnType<typeof send>>[] = [];
    for (let i = 0; i < 5; i++) during.push(await send(20 + i));
    await sleep(3_000);
    await grid(["start-store", "redis"], env);
    const startedAt = performance.now();

    // Accepted before: 202 each. While it was down: accepted (202, kept in PostgreSQL) or refused
    // with a reason, within seconds.
    expect(before.map((r) => r.status)).toEqual(Array(20).fill(202));
    for (const r of during)
      expect([r.status, r.status === 202 ? Boolean(r.taskId) : r.status >= 400 && Boolean(r.error)]).toEqual([
        r.status,
        true,
      ]);
    const accepted = [...before, ...during].filter((r) => r.status === 202 && r.taskId);
    type Task = { status: string; error?: { message?: string } };
    const ended = await until("every accepted task to end", 180_000, async () => {
      const tasks = await Promise.all(
        accepted.map(async (r) => {
          const res = await fetch(`${g.status.apiUrl}/v1/tasks/${r.taskId}`, {
            headers: { authorization: `Bearer ${g.token}` },
          });
          return (await res.json()) as Task;
        }),
      );
      return tasks.every((t) => ["succeeded", "failed", "refused"].includes(t.status)) ? tasks : null;
    });
    const endedAt = performance.now();
    await g.api.blocks.updateParameters.mutate({ id: "echo-c1", parameters: { delayMs: 0 } });
    expect(ended.filter((t) => t.status !== "succeeded").filter((t) => !t.error?.message)).toEqual([]);

    const count = (status: string) => ended.filter((t) => t.status === status).length;
    figure(
      `async tasks: 20 accepted before Redis stopped, ${during.filter((r) => r.status === 202).length} of 5 accepted while it was down ` +
        `(answered in at most ${ms(Math.max(...during.map((r) => r.ms)))}; refused: ${
          during
            .filter((r) => r.status !== 202)
            .map((r) => `${r.status} "${r.error}"`)
            .join(", ") || "none"
        }); all ${ended.length} ended ${ms(endedAt - startedAt)} after it was back: ` +
        `${count("succeeded")} succeeded, ${count("failed")} failed, ${count("refused")} refused`,
    );
  }, 600_000);

  it("restart PostgreSQL during a block's deploy and during a scale: the API answers 503 naming the database while it is " +
    "down; afterwards the block reaches its desired state and its instance rows match its processes, none orphaned", async () => {
    const blockId = "pg-c1";
    const host = c1();
    await g.api.parser.applySpec.mutate({
      document: {
        header: { templateUri: "Parser/V1", action: "createBlock" },
        body: {
          spec: {
            values: {
              blockComponentURI: "model.echo:1.0.0-stable",
              blockId,
              clusterId: "c1",
              minInstances: 2,
              maxInstances: 4,
            },
          },
        },
      },
    });
    await until(
      `the deploy of ${blockId} to be under way on ${host.name}`,
      120_000,
      async () => (blockWorkloads(host.namespace, blockId).length > 0 ? true : null),
      50,
    );
    const atStop = blockWorkloads(host.namespace, blockId).map((w) => w.instanceId ?? "executor");
    await grid(["stop-store", "postgres"], env);
    const whileDown = await timed(() => trpcGet(`blocks.get`, { id: blockId }));
    await sleep(3_000);
    await grid(["start-store", "postgres"], env);
    const t0 = performance.now();
    await settledWith(blockId, 2);
    const deployMs = performance.now() - t0;
    expect(whileDown.error).toBeNull();
    expect(whileDown.value).toEqual({
      status: 503,
      message: expect.stringMatching(
        /^the database \(PostgreSQL\) is unreachable \(.+\); try again shortly$/,
      ),
    });

    // A scale, PostgreSQL stopped as soon as it was accepted (what `stop-store` does, in this
    // process: the command's own start would give the nodes a second to apply it first).
    const scaled = await g.api.blocks.scale.mutate({ id: blockId, instances: 3 });
    await stopStore(loadGridConfig(REPO_ROOT, env), "postgres");
    const atScaleStop = blockWorkloads(host.namespace, blockId).filter((w) => w.instanceId !== null).length;
    expect(scaled.desiredInstances).toBe(3);
    await sleep(3_000);
    await grid(["start-store", "postgres"], env);
    const t1 = performance.now();
    await settledWith(blockId, 3);
    const scaleMs = performance.now() - t1;
    await sleep(15_000); // long enough for a late duplicate or a stray restart to show
    const instances = await expectRowsMatchProcesses(blockId, 3);

    figure(
      `PostgreSQL stopped for 3 s during ${blockId}'s deploy (workloads then: [${atStop.join(", ")}]): ` +
        `the API answered in ${ms(whileDown.ms)}: ${whileDown.value?.status} "${whileDown.value?.message}"; running with 2 instances ${ms(deployMs)} after it was back`,
    );
    figure(
      `PostgreSQL stopped for 3 s as soon as a scale to 3 was accepted (${atScaleStop} instance workloads then): ` +
        `running with 3 instances ${ms(scaleMs)} after it was back; ` +
        `instances ${instances.map((i) => `${i.id} ${i.status}`).join(", ")}`,
    );
  }, 600_000);
});
