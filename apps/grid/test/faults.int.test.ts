import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../src/host-processes";
import { readState } from "../src/state";
import { grid, REPO_ROOT } from "./grid-cli";
import { applyEchoAnd, bringUp, type GridSession, gridOfOwn, tearDownGrid, until } from "./grid-test-kit";
import { blockWorkloads, inUidRange } from "./host-workloads";
import { ok, type Sent, stream as streamTo } from "./vdag-stream";

/**
 * The fault suite on a real grid (5 clusters of one node, no console): the vDAG across c1..c3
 * (controller on c4) and a second one on c1 and c3 only, then blocks deployed on c5. Its own grid
 * name, subnet and home, so it runs beside the other grid tests; its traffic goes only to the
 * grid's own hosts. Figures are printed, not asserted.
 */
const own = gridOfOwn("aios-grid-faults-", "aiosf", "10.217.0.0/16");
const { env } = own;
const ACROSS = "across-clusters:1.0.0-stable";
const BESIDE = "beside-c2:1.0.0-stable";
const SPECS = ["cross-cluster-vdag.json", "faults.json"].map((f) => resolve(REPO_ROOT, "apps/grid/specs", f));
const STEP_TIMEOUT_MS = 10_000; // both vDAGs' controller.initSettings.stepTimeoutMs
/** One request every this many ms on each vDAG (about 6.7 req/s each). */
const EVERY_MS = 150;

let g: GridSession;
const figure = (line: string) => process.stdout.write(`grid faults: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stream = (vdagURI: string) => streamTo(g.status.apiUrl, g.token, vdagURI, EVERY_MS);
const vdagStatus = async (uri: string) => {
  const v = await g.api.vdags.get.query({ vdagURI: uri });
  return { status: v.status, reason: (v.doc as { statusReason?: string }).statusReason ?? "" };
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number) : Number.NaN;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

describe("faults on the grid: a cut cluster, a node agent killed during a deploy", () => {
  beforeAll(async () => {
    g = await bringUp(env, ["--clusters", "5", "--nodes", "1", "--no-console"]);
    await applyEchoAnd(g.api, SPECS);
    await until("the three echo blocks to run", 180_000, async () => {
      const blocks = await Promise.all(
        ["c1", "c2", "c3"].map((c) => g.api.blocks.get.query({ id: `echo-${c}` })),
      );
      return blocks.every((b) => b.status === "running") ? blocks : null;
    });
    for (const uri of [ACROSS, BESIDE])
      await until(`vDAG ${uri} to be active`, 120_000, async () =>
        (await vdagStatus(uri)).status === "active" ? true : null,
      );
  }, 480_000);

  afterAll(async () => {
    // Whatever happened above, nothing of the grid outlives the test.
    await tearDownGrid(own, g);
  }, 120_000);

  it("cut c2's host during a stream: requests that need c2 fail within the step timeout naming block echo-c2 and cluster c2, " +
    "the vDAG turns unhealthy with that reason and healthy again after heal with no manual step; the vDAG beside c2 loses no request", async () => {
    const across = stream(ACROSS);
    const beside = stream(BESIDE);
    await sleep(3_000);
    const cutAt = across.now();
    await grid(["cut", "c2-n1"], env);
    const unhealthy = await until(`vDAG ${ACROSS} to turn unhealthy`, 120_000, async () => {
      const v = await vdagStatus(ACROSS);
      return v.status === "unhealthy" ? v : null;
    });
    const unhealthyAt = across.now();
    await sleep(3_000); // the stream goes on against the unhealthy vDAG
    const healAt = across.now();
    await grid(["heal", "c2-n1"], env);
    const healthy = await until(`vDAG ${ACROSS} to be active again after heal`, 180_000, async () => {
      const v = await vdagStatus(ACROSS);
      return v.status === "active" ? v : null;
    });
    const healthyAt = across.now();
    await until(`a request of ${ACROSS} to succeed after heal`, 120_000, async () =>
      across.sent.some((s) => s.at > healAt && ok(s)) ? true : null,
    );
    const servingAt = Math.min(...across.sent.filter((s) => s.at > healAt && ok(s)).map((s) => s.at));
    await sleep(3_000); // and goes on a little once it serves again
    const lastAt = across.now();
    const [a, b] = await Promise.all([across.stop(), beside.stop()]);

    // Before the cut, every request of both succeeded; the vDAG beside c2 lost none at all.
    expect(a.filter((s) => s.at < cutAt - 500 && !ok(s)).map((s) => s.answer.error?.message)).toEqual([]);
    expect(b.filter((s) => !ok(s)).map((s) => [s.status, s.answer.error?.message])).toEqual([]);
    // Its reason names the block and the cluster that went away.
    expect(unhealthy.reason).toMatch(/block echo-c2 \(node step2, cluster c2\)/);
    expect(healthy.status).toBe("active");
    // Every failed request of the cut vDAG answered, naming echo-c2 on cluster c2; a failed step
    // is in its trace, on c2, with the same error.
    const failed = a.filter((s) => !ok(s));
    expect(failed.length).toBeGreaterThan(0);
    for (const s of failed) {
      expect([s.status, s.answer.error?.message]).toEqual([
        expect.any(Number),
        expect.stringMatching(/block echo-c2 (on cluster c2|\(node step2, cluster c2\))/),
      ]);
      expect(s.status).toBeGreaterThanOrEqual(400);
      const step2 = s.answer.trace?.find((t) => t.nodeLabel === "step2");
      if (step2)
        expect([step2.clusterId, step2.status, s.answer.error?.message]).toEqual([
          "c2",
          "error",
          expect.stringContaining(step2.error ?? "?"),
        ]);
    }
    // Once the verdict is in, no request waits for the step timeout: every one sent after the API
    // showed it unhealthy, until heal, is refused at once with its reason, none walks to step2.
    const whileUnhealthy = a.filter((s) => s.at > unhealthyAt && s.at < healAt);
    expect(whileUnhealthy.length).toBeGreaterThan(0);
    expect(
      whileUnhealthy.filter(
        (s) => s.status !== 503 || !/is unhealthy: block echo-c2/.test(s.answer.error?.message ?? ""),
      ),
    ).toEqual([]);
    // Once it serves again, it keeps serving: every request sent after the first success succeeds.
    expect(a.filter((s) => s.at > servingAt && !ok(s)).map((s) => s.answer.error?.message)).toEqual([]);

    const walked = failed.filter((s) => s.answer.trace?.some((t) => t.status === "error"));
    const refused = failed.filter((s) => !s.answer.trace?.some((t) => t.status === "error"));
    figure(
      `cut c2-n1 at ${ms(cutAt)} into the stream (${EVERY_MS} ms apart per vDAG, step timeout ${STEP_TIMEOUT_MS} ms); ` +
        `unhealthy seen ${ms(unhealthyAt - cutAt)} after the cut ("${unhealthy.reason}"); healed at ${ms(healAt)}; ` +
        `active again ${ms(healthyAt - healAt)} after heal, first success ${ms(servingAt - healAt)} after heal; stream ran ${ms(lastAt)}`,
    );
    figure(
      `${ACROSS}: ${a.length} requests, ${a.filter(ok).length} succeeded, ${failed.length} failed: ` +
        `${walked.length} walked to step2 and failed there (latency p50 ${ms(
          pct(
            walked.map((s) => s.ms),
            50,
          ),
        )}, ` +
        `max ${ms(Math.max(0, ...walked.map((s) => s.ms)))}), ${refused.length} refused while unhealthy ` +
        `(max ${ms(Math.max(0, ...refused.map((s) => s.ms)))}); statuses ${[...new Set(failed.map((s) => s.status))].join(", ")}`,
    );
    const sample = (xs: Sent[]) => xs[0]?.answer.error?.message ?? "-";
    figure(`  a failed walk: ${sample(walked)}`);
    figure(`  a refusal: ${sample(refused)}`);
    figure(
      `${BESIDE}: ${b.length} requests, ${b.filter(ok).length} succeeded, ${b.length - b.filter(ok).length} failed ` +
        `(p50 ${ms(
          pct(
            b.map((s) => s.ms),
            50,
          ),
        )}, p99 ${ms(
          pct(
            b.map((s) => s.ms),
            99,
          ),
        )}, max ${ms(Math.max(...b.map((s) => s.ms)))})`,
    );
  }, 600_000);

  /**
   * Creates a block of `MIN` instances on c5; as soon as `ready(workloads)` says its deploy is under
   * way on c5-n1, kills (`host`: `npm run grid -- kill`, every process; `agent`: kill -9 of the agent
   * alone, its workloads left running), then `npm run grid -- start c5-n1`, and checks the block
   * ends running with exactly MIN instances and the processes of every host match them.
   */
  async function killDuringDeploy(
    blockId: string,
    what: "host" | "agent",
    ready: (w: ReturnType<typeof blockWorkloads>) => boolean,
  ) {
    const MIN = 2;
    const host = g.status.hosts.find((h) => h.nodeId === "c5-n1");
    if (!host) throw new Error("no host c5-n1 in the grid");
    const nodesBefore = (await g.api.nodes.list.query({})).map((n) => n.id).sort();
    await g.api.parser.applySpec.mutate({
      document: {
        header: { templateUri: "Parser/V1", action: "createBlock" },
        body: {
          spec: {
            values: {
              blockComponentURI: "model.echo:1.0.0-stable",
              blockId,
              clusterId: "c5",
              minInstances: MIN,
              maxInstances: MIN,
            },
          },
        },
      },
    });
    const t0 = performance.now();
    await until(
      `the deploy of ${blockId} to be under way on ${host.name}`,
      120_000,
      async () => (ready(blockWorkloads(host.namespace, blockId)) ? true : null),
      50,
    );
    const seenAt = performance.now();
    const atKill = {
      block: (await g.api.blocks.get.query({ id: blockId })).status,
      instances: (await g.api.blocks.instances.query({ id: blockId })).map((i) => `${i.id}:${i.status}`),
      workloads: blockWorkloads(host.namespace, blockId).map((w) => w.instanceId ?? "executor"),
      pids: blockWorkloads(host.namespace, blockId).map((w) => w.pid),
    };
    let killed: string;
    if (what === "host") {
      killed = (await grid(["kill", host.name], env)).stderr.trim().split("\n").at(-1) ?? "";
      expect(blockWorkloads(host.namespace, blockId)).toEqual([]);
    } else {
      const agentPid = readState(env.AIOS_GRID_HOME)?.hosts.find((h) => h.name === host.name)?.pid;
      if (!agentPid) throw new Error(`no agent pid of ${host.name} in the grid's state`);
      process.kill(agentPid, "SIGKILL");
      await until(`the agent of ${host.name} (pid ${agentPid}) to be gone`, 10_000, async () =>
        isAlive(agentPid) ? null : true,
      );
      killed = `agent pid ${agentPid} killed (kill -9), ${blockWorkloads(host.namespace, blockId).length} workloads of ${blockId} left running`;
    }
    const killedAt = performance.now();
    // It was in the middle of its deploy: not yet running with its instances.
    expect(atKill.block === "running" && atKill.workloads.length >= MIN + 1).toBe(false);
    await grid(["start", host.name], env);
    const startedAt = performance.now();

    const settled = await until(
      `${blockId} to run with ${MIN} instances and as many workloads on ${host.name}`,
      240_000,
      async () => {
        const block = await g.api.blocks.get.query({ id: blockId });
        const instances = await g.api.blocks.instances.query({ id: blockId });
        const workloads = blockWorkloads(host.namespace, blockId);
        return block.status === "running" &&
          instances.length === MIN &&
          workloads.filter((w) => w.instanceId !== null).length === MIN
          ? { block, instances }
          : null;
      },
      500,
    );
    const runningAt = performance.now();
    await sleep(15_000); // long enough for a late duplicate or a stray restart to show
    const block = await g.api.blocks.get.query({ id: blockId });
    const instances = await g.api.blocks.instances.query({ id: blockId });
    expect([block.status, block.executorNodeId]).toEqual(["running", "c5-n1"]);
    expect(instances.map((i) => i.id).sort()).toEqual(settled.instances.map((i) => i.id).sort());
    expect(instances.map((i) => i.nodeId)).toEqual(Array(MIN).fill("c5-n1"));
    // Every host's processes: the block's workloads run on c5-n1 only, one process per instance
    // the API lists and one executor; each as a workload uid of its host's range, none shared.
    for (const h of g.status.hosts) {
      const workloads = blockWorkloads(h.namespace, blockId);
      if (h.name !== host.name) {
        expect([h.name, workloads]).toEqual([h.name, []]);
        continue;
      }
      expect(workloads.map((w) => w.instanceId).sort()).toEqual(
        [...instances.map((i) => i.id).sort(), null].sort(),
      );
      expect(workloads.every((w) => inUidRange(h.workloadUids, w.uid))).toBe(true);
      expect(new Set(workloads.map((w) => w.uid)).size).toBe(workloads.length);
    }
    // The node kept its identity: no node joined anew.
    expect((await g.api.nodes.list.query({})).map((n) => n.id).sort()).toEqual(nodesBefore);

    figure(
      `kill ${what}: deploy of ${blockId} under way ${ms(seenAt - t0)} after createBlock; at the kill the block was ` +
        `${atKill.block}, instances [${atKill.instances.join(", ")}], workloads on ${host.name} [${atKill.workloads.join(", ")}]; ${killed}`,
    );
    const pidsAfter = blockWorkloads(host.namespace, blockId).map((w) => w.pid);
    figure(
      `start: workloads running at the kill still running after it: ${atKill.pids.filter((p) => pidsAfter.includes(p)).length} of ${atKill.pids.length}`,
    );
    figure(
      `start: agent back ${ms(startedAt - killedAt)} after the kill (its node heartbeats); block running with ${MIN} instances ` +
        `${ms(runningAt - startedAt)} after; instances ${instances.map((i) => `${i.id}@${i.nodeId} ${i.status}`).join(", ")}; ` +
        `workloads ${blockWorkloads(host.namespace, blockId)
          .map((w) => `${w.instanceId ?? "executor"} pid ${w.pid} uid ${w.uid}`)
          .join(", ")}`,
    );
  }

  it("kill -9 c5's host (every process) in the middle of a block's deploy, then start its agent again: the block ends running " +
    "with exactly minInstances instances, each one process on its node, none duplicated, none orphaned on any host", async () => {
    await killDuringDeploy("deploy-c5", "host", (w) => w.length > 0);
  }, 600_000);

  it("kill -9 c5's node agent alone while the block's instances start, then start it again: " +
    "the block ends running with exactly minInstances instances, none duplicated, none orphaned on any host", async () => {
    await killDuringDeploy("adopt-c5", "agent", (w) => w.some((x) => x.instanceId !== null));
  }, 600_000);
});
