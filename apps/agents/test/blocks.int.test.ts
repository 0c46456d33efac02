import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { isRunning } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../packages/client/src/cli/main";
import { doc, useApiServer } from "../../api/test/harness";
import {
  type AgentProcess,
  agentStateDir,
  applyExamples,
  startClusterAgent,
  waitUntil,
} from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const examples = resolve(import.meta.dirname, "../../../examples/specs");

/** Pids of the processes of an instance, found by the INSTANCE_ID in their environment. */
function pidsOf(instanceId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`INSTANCE_ID=${instanceId}`))
        pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

/** Long enough for a restarted agent to take over, short enough to wait for in a test. */
const ORPHAN_GRACE_SECONDS = 8;

describe.runIf(redisUrl)("blocks run by a cluster agent", () => {
  const api = useApiServer();
  const clusterId = `blk-${Date.now().toString(36)}`;
  let agent: AgentProcess;
  const start = () =>
    startClusterAgent(api.url, clusterId, {
      AIOS_BLOCK_WATCH_MS: "300",
      AIOS_METRICS_SECONDS: "0.5",
      AIOS_ORPHAN_GRACE_SECONDS: String(ORPHAN_GRACE_SECONDS),
    });
  const infer = async (text: string) => {
    const res = await fetch(`${api.url}/v1/blocks/sentiment/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { text } }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { packet?: { data: Record<string, unknown> }; error?: unknown },
    };
  };
  const block = () => api.caller().blocks.get({ id: "sentiment" });
  /** The executor's workload record: where it listens and its control token. */
  const workloadRecord = (name: string) => {
    const file = join(agentStateDir(clusterId), "workloads", `${name}.json`);
    return {
      mode: statSync(file).mode & 0o777,
      ...(JSON.parse(readFileSync(file, "utf8")) as {
        endpoint: string;
        controlToken: string;
        dataToken: string;
      }),
    };
  };
  const executorRecord = () => workloadRecord("sentiment-executor");
  const executorInstances = async (r: { endpoint: string; controlToken: string }) => {
    const res = await fetch(`${r.endpoint}/instances`, {
      headers: { authorization: `Bearer ${r.controlToken}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { instances: Array<{ id: string }> }).instances.map((i) => i.id).sort();
  };
  const instances = () => api.caller().blocks.instances({ id: "sentiment" });

  beforeAll(async () => {
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "components.json");
    agent = start();
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
    const spec = JSON.parse(readFileSync(resolve(examples, "sentiment-block.json"), "utf8")) as {
      body: { spec: { values: Record<string, unknown> } };
    };
    const values = {
      ...spec.body.spec.values,
      clusterId,
      initSettings: { ...(spec.body.spec.values.initSettings as object), healthCheckInterval: 0.3 },
    };
    await api.caller().parser.applySpec({ document: doc("createBlock", values) });
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it("deploys the block: executor and instance run, status running, and a task is answered", async () => {
    await expect.poll(async () => (await block()).status, { timeout: 60_000, interval: 300 }).toBe("running");
    const r = await infer("I love it");
    expect(r.status).toBe(200);
    expect(r.body.packet?.data).toMatchObject({ label: "positive" });
    expect((await infer("This is terrible and awful")).body.packet?.data).toMatchObject({
      label: "negative",
    });
    expect((await instances()).map((i) => i.status)).toEqual(["healthy"]);
  });

  it("guards the executor's control routes with the token the agent gave it, kept 0600", async () => {
    const record = executorRecord();
    expect(record.mode).toBe(0o600);
    expect(record.controlToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The agent's PUT /instances carried the token: the executor serves the instance it started.
    expect(await executorInstances(record)).toEqual((await instances()).map((i) => i.id).sort());
    const put = await fetch(`${record.endpoint}/instances`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ instances: [] }),
    });
    expect(put.status).toBe(401);
    expect(((await put.json()) as { error: { message: string } }).error.message).toContain(
      "no authorization header",
    );
    const wrong = await fetch(`${record.endpoint}/mgmt/executor`, {
      method: "POST",
      headers: { authorization: "Bearer not-the-token" },
      body: JSON.stringify({ action: "x" }),
    });
    expect(wrong.status).toBe(401);
    expect((await infer("I love it")).status).toBe(200); // nothing was rewired
  });

  it("guards the /infer of the executor and of the instance with the data tokens the agent gave them", async () => {
    const [instance] = await instances();
    const records = [executorRecord(), workloadRecord(`sentiment-${instance?.id}`)];
    const body = JSON.stringify({
      packet: { session_id: "s", seq_no: 0, ts: 1, data: { text: "I love it" } },
    });
    for (const r of records) {
      expect(r.dataToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(r.dataToken).not.toBe(r.controlToken);
      for (const token of [undefined, "not-the-data-token", r.controlToken]) {
        const res = await fetch(`${r.endpoint}/infer`, {
          method: "POST",
          headers: token ? { authorization: `Bearer ${token}` } : {},
          body,
        });
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
          /^POST \/infer: /,
        );
      }
      const allowed = await fetch(`${r.endpoint}/infer`, {
        method: "POST",
        headers: { authorization: `Bearer ${r.dataToken}` },
        body,
      });
      expect(allowed.status).toBe(200);
    }
    // The API's data plane holds the executor's token; no caller of the API sees it.
    expect(JSON.stringify(await block())).not.toContain(records[0]?.dataToken);
  });

  it("shows the executor's live figures and each process's logs (API and CLI)", async () => {
    const metrics = (await api.caller().blocks.metrics({ id: "sentiment" })) as {
      instances: Array<{ state: string }>;
    };
    expect(metrics.instances.map((i) => i.state)).toEqual(["healthy"]);
    await expect
      .poll(
        async () => {
          const series = await api.caller().blocks.metricSeries({ id: "sentiment", name: "tasks_total.ok" });
          return series.at(-1)?.value ?? 0;
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(2);
    const [instance] = await instances();
    const logs = await api.caller().blocks.logs({ id: "sentiment", instanceId: instance?.id, limit: 50 });
    expect(logs.lines.join("\n")).toContain("instance listening");
    const out: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
      env: { AIOS_API_URL: api.url },
    };
    expect(await cli(["logs", "block", "sentiment", "--tail", "20"], io)).toBe(0);
    expect(out.join("\n").length).toBeGreaterThan(0);
    out.length = 0;
    expect(await cli(["infer", "block", "sentiment", "--data", '{"text":"I love it"}'], io)).toBe(0);
    expect(JSON.parse(out.join(""))).toMatchObject({ label: "positive" });
  });

  it("restarts a killed instance in its placement, and requests keep succeeding once it is back", async () => {
    const [before] = await instances();
    const killed = pidsOf(before?.id ?? "");
    expect(killed.length).toBeGreaterThan(0);
    for (const pid of killed) process.kill(pid, "SIGKILL");
    // The placement keeps the instance (its node still runs): the same id, a new process.
    await expect
      .poll(
        async () => {
          const now = (await instances()).find((i) => i.id === before?.id);
          const pids = pidsOf(before?.id ?? "");
          const restarted = pids.length > 0 && !pids.some((p) => killed.includes(p));
          return restarted && now?.endpoint !== before?.endpoint && now?.status === "healthy";
        },
        { timeout: 60_000, interval: 300 },
      )
      .toBe(true);
    expect((await infer("What a wonderful day")).body.packet?.data).toMatchObject({ label: "positive" });
    expect(await instances()).toHaveLength(1);
  });

  it("scales to two instances and spreads tasks over them", async () => {
    await api.caller().blocks.scale({ id: "sentiment", instances: 2 });
    await expect
      .poll(async () => (await instances()).filter((i) => i.status === "healthy").length, {
        timeout: 60_000,
        interval: 300,
      })
      .toBe(2);
    const results = await Promise.all(Array.from({ length: 6 }, () => infer("good")));
    expect(results.every((r) => r.status === 200)).toBe(true);
  });

  it("survives an agent crash: the new agent adopts the running processes, with no duplicates", async () => {
    const before = (await instances()).map((i) => i.id).sort();
    await agent.kill();
    // The block keeps serving while no agent runs.
    expect((await infer("I love it")).status).toBe(200);
    agent = start();
    await waitUntil(
      "the new agent to register",
      async () => agent.output().includes("adopted running processes"),
      30_000,
    );
    expect((await instances()).map((i) => i.id).sort()).toEqual(before);
    expect(before.flatMap(pidsOf).length).toBeGreaterThanOrEqual(2);
    expect((await block()).status).toBe("running");
    expect((await infer("I love it")).status).toBe(200);
    // The new agent still controls the executor: the token came back with the adopted record,
    // and a third instance only turns healthy once the agent's PUT /instances got through.
    const record = executorRecord();
    await api.caller().blocks.scale({ id: "sentiment", instances: 3 });
    await expect
      .poll(async () => (await instances()).filter((i) => i.status === "healthy").length, {
        timeout: 60_000,
        interval: 300,
      })
      .toBe(3);
    expect(await executorInstances(record)).toEqual((await instances()).map((i) => i.id).sort());
  });

  it("a killed agent that nobody restarts: its workloads stop themselves after the grace", async () => {
    const ids = (await instances()).map((i) => i.id);
    const executorPid = (
      JSON.parse(
        readFileSync(join(agentStateDir(clusterId), "workloads", "sentiment-executor.json"), "utf8"),
      ) as { pid: number }
    ).pid;
    expect(ids.flatMap(pidsOf).length).toBeGreaterThanOrEqual(3);
    await agent.kill();
    await waitUntil(
      "the orphaned instances and executor to stop",
      async () => ids.flatMap(pidsOf).length === 0 && !isRunning(executorPid),
      (ORPHAN_GRACE_SECONDS + 20) * 1000,
    );
    // The desired state is still in the API: the next agent runs the block again.
    agent = start();
    await expect
      .poll(async () => (await instances()).filter((i) => i.status === "healthy").length, {
        timeout: 60_000,
        interval: 300,
      })
      .toBe(3);
    await expect
      .poll(async () => (await infer("I love it")).status, { timeout: 30_000, interval: 300 })
      .toBe(200);
  });

  it("removes the block: processes stop and the status is removed", async () => {
    const ids = (await instances()).map((i) => i.id);
    await api.caller().blocks.remove({ id: "sentiment" });
    await expect.poll(async () => (await block()).status, { timeout: 30_000, interval: 300 }).toBe("removed");
    expect(ids.flatMap(pidsOf)).toEqual([]);
    expect((await infer("hello")).status).toBe(404);
  });
});
