import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../packages/client/src/cli/main";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";
import { controllerPids, executorPids } from "./workload-pids";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const examples = resolve(import.meta.dirname, "../../../examples/specs");
const PIPELINE = "text-pipeline:1.0.0-stable";
const NESTED = "review-pipeline:1.0.0-stable";
const WINDOW_SECONDS = 1_000_000_000;

interface Answer {
  taskId?: string;
  status?: string;
  packet?: { data: Record<string, unknown> };
  trace?: Array<{
    nodeLabel: string;
    blockId: string;
    status: string;
    instanceId: string | null;
    error?: string;
  }>;
  error?: { message: string; stage: string; nodeLabel?: string };
}

describe.runIf(redisUrl)("vDAGs run by a cluster agent", () => {
  const api = useApiServer();
  const clusterId = `vdg-${Date.now().toString(36)}`;
  let agent: AgentProcess;
  const infer = async (uri: string, body: Record<string, unknown>, query = "", token?: string) => {
    const res = await fetch(`${api.url}/v1/vdags/${encodeURIComponent(uri)}/infer${query}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const steps = (a: Answer) => Object.fromEntries((a.trace ?? []).map((s) => [s.nodeLabel, s.status]));

  beforeAll(async () => {
    const apply = (document: unknown) => api.caller().parser.applySpec({ document });
    await applyExamples(apply, "components.json");
    await applyExamples(apply, "policies.json");
    agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "300", AIOS_METRICS_SECONDS: "1" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
    for (const [blockId, component] of [
      ["language-detect", "model.language-detect:1.0.0-stable"],
      ["sentiment", "model.text-sentiment:1.0.0-stable"],
      ["echo", "model.echo:1.0.0-stable"],
    ]) {
      await apply(
        doc("createBlock", {
          blockComponentURI: component,
          blockId,
          clusterId,
          minInstances: 1,
          maxInstances: 1,
          initSettings: { healthCheckInterval: 0.3 },
        }),
      );
    }
    await waitUntil(
      "the blocks to run",
      async () => (await api.caller().blocks.list({ clusterId })).every((b) => b.status === "running"),
      60_000,
    );
    // The example as shipped, with a health check every second and a quota window no test run
    // crosses (the quota tests count requests within one window).
    for (const { document } of loadSpecFile(resolve(examples, "text-pipeline.json"))) {
      type Controller = {
        healthChecker?: object;
        quotaChecker?: { quotaCheckerPolicyRule: { settings: object } };
      };
      const values = (document as { body: { spec: { values: { controller?: Controller } } } }).body.spec
        .values;
      if (values.controller?.healthChecker)
        values.controller.healthChecker = { ...values.controller.healthChecker, interval: 1 };
      const quotaRule = values.controller?.quotaChecker?.quotaCheckerPolicyRule;
      if (quotaRule) quotaRule.settings = { ...quotaRule.settings, windowSeconds: WINDOW_SECONDS };
      await apply(document);
    }
    await waitUntil(
      "both vDAGs to be active",
      async () =>
        (await api.caller().vdags.get({ vdagURI: PIPELINE })).status === "active" &&
        (await api.caller().vdags.get({ vdagURI: NESTED })).status === "active",
      60_000,
    );
  }, 120_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it("answers English text through detect -> sentiment -> aggregate, with a trace of each step", async () => {
    const r = await infer(PIPELINE, { data: { text: "I love this wonderful product, it works great" } });
    expect(r.status).toBe(200);
    expect(r.body.packet?.data).toMatchObject({ language: "en", label: "positive" });
    expect(steps(r.body)).toEqual({ detect: "ok", sentiment: "ok", other: "skipped", aggregate: "ok" });
    const detect = r.body.trace?.find((s) => s.nodeLabel === "detect");
    expect(detect).toMatchObject({ blockId: "language-detect" });
    expect(detect?.instanceId).toMatch(/^in-/);

    // The task is stored with its trace; the CLI shows it.
    await waitUntil(
      "the task to be stored",
      async () =>
        await api
          .caller()
          .vdags.task({ taskId: r.body.taskId ?? "" })
          .then(() => true)
          .catch(() => false),
    );
    const out: string[] = [];
    const code = await cli(["trace", r.body.taskId ?? ""], {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
      env: { AIOS_API_URL: api.url },
    });
    expect(code).toBe(0);
    // Each step names its block's cluster and the node of the executor that took it (none when skipped).
    expect(out.join("\n")).toMatch(
      new RegExp(`sentiment\\s+sentiment\\s+${clusterId}\\s+${clusterId}-node\\s+in-\\w+\\s+ok`),
    );
    expect(out.join("\n")).toMatch(new RegExp(`other\\s+echo\\s+${clusterId}\\s+-\\s+-\\s+skipped`));
    // The trace id to open in a trace backend, the same the task keeps.
    const task = await api.caller().vdags.task({ taskId: r.body.taskId ?? "" });
    expect(task.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(out).toContain(`trace id: ${task.traceId}`);
  });

  it("routes other languages to their own branch (conditional routing into the fan-in)", async () => {
    const r = await infer(PIPELINE, {
      data: { text: "Je suis très heureux aujourd'hui, c'est une belle journée pour se promener" },
    });
    expect(r.status).toBe(200);
    expect(r.body.packet?.data).toMatchObject({ language: "fr", label: "unsupported" });
    expect(steps(r.body)).toEqual({ detect: "ok", sentiment: "skipped", other: "ok", aggregate: "ok" });
  });

  it("serves the nested vDAG as a node of another", async () => {
    const r = await infer(NESTED, { data: { text: "What a terrible, awful experience" } });
    expect(r.status).toBe(200);
    expect(r.body.packet?.data).toMatchObject({
      pipeline: "review-pipeline",
      language: "en",
      label: "negative",
    });
    expect(Object.keys(steps(r.body))).toEqual(
      expect.arrayContaining(["analyse.detect", "analyse.sentiment", "analyse.aggregate", "stamp"]),
    );
  });

  it("async mode answers with a task id at once and the same result later", async () => {
    const text = "I love this wonderful product, it works great";
    const sync = await infer(PIPELINE, { data: { text } });
    const r = await infer(PIPELINE, { data: { text } }, "?async=1");
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: "queued" });
    let task: { status: string; result: { packet: { data: unknown } } } | undefined;
    await waitUntil("the async task to finish", async () => {
      const res = await fetch(`${api.url}/v1/tasks/${r.body.taskId}`);
      task = (await res.json()) as typeof task;
      return task?.status === "succeeded";
    });
    expect(task?.result.packet.data).toMatchObject({ label: sync.body.packet?.data.label });
  });

  it("refuses the 4th request of a session with a quota of 3, with the reason", async () => {
    await api.caller().vdags.mgmt({
      vdagURI: PIPELINE,
      service: "quota",
      action: "setLimit",
      data: { sessionId: "limited", limit: 3 },
    });
    for (let i = 0; i < 3; i++) {
      expect((await infer(PIPELINE, { session_id: "limited", data: { text: "fine" } })).status).toBe(200);
    }
    const refused = await infer(PIPELINE, { session_id: "limited", data: { text: "fine" } });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ stage: "quota" });
    expect(refused.body.error?.message).toMatch(
      new RegExp(`^session limited used its 3 requests per ${WINDOW_SECONDS} s; try again in \\d+ s$`),
    );
    expect(await api.caller().vdags.quota({ vdagURI: PIPELINE, sessionId: "limited" })).toMatchObject({
      count: 3,
    });
    await api.caller().vdags.quotaReset({ vdagURI: PIPELINE, sessionId: "limited" });
    expect((await infer(PIPELINE, { session_id: "limited", data: { text: "fine" } })).status).toBe(200);
  });

  it("counts requests without a session_id per API token, not in one session every such caller shares", async () => {
    const [a, b] = await Promise.all(
      ["quota-a", "quota-b"].map((name) =>
        api.services.tokens.issue({ name, role: "data", scopes: [`vdag:${PIPELINE}`] }),
      ),
    );
    const sessionOf = (t: { id: string }) => `anonymous:token:${t.id}`;
    await api.caller().vdags.mgmt({
      vdagURI: PIPELINE,
      service: "quota",
      action: "setLimit",
      data: { sessionId: sessionOf(a!), limit: 1 },
    });
    const anonymous = (t: { token: string }) => infer(PIPELINE, { data: { text: "fine" } }, "", t.token);
    expect((await anonymous(a!)).status).toBe(200);
    const refused = await anonymous(a!);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(new RegExp(`^session ${sessionOf(a!)} used its 1 requests`));
    expect((await anonymous(b!)).status).toBe(200);
    expect((await anonymous(b!)).status).toBe(200);
    for (const [t, count] of [
      [a!, 1],
      [b!, 2],
    ] as const) {
      expect(await api.caller().vdags.quota({ vdagURI: PIPELINE, sessionId: sessionOf(t) })).toMatchObject({
        count,
      });
    }
  });

  it("samples every 10th request for the quality checker and keeps its verdicts", async () => {
    for (let i = 0; i < 10; i++)
      await infer(PIPELINE, { data: { text: "I love this wonderful product, it works great" } });
    await waitUntil(
      "a quality verdict to be stored",
      async () => (await api.caller().vdags.qualitySamples({ vdagURI: PIPELINE })).length > 0,
    );
    const [sample] = await api.caller().vdags.qualitySamples({ vdagURI: PIPELINE });
    expect(sample).toMatchObject({ passed: true, score: 1 });
  });

  it("answers through the CLI: aios infer vdag prints the result and the trace", async () => {
    const out: string[] = [];
    const io = {
      out: (s: string) => out.push(s),
      err: (s: string) => out.push(s),
      env: { AIOS_API_URL: api.url },
    };
    const code = await cli(
      ["infer", "vdag", PIPELINE, "--data", '{"text":"This is terrible and awful, I hate it"}'],
      io,
    );
    expect(code).toBe(0);
    expect(out.join("\n")).toContain('"label": "negative"');
    expect(out.join("\n")).toMatch(
      new RegExp(`aggregate\\s+echo\\s+${clusterId}\\s+${clusterId}-node\\s+in-\\w+\\s+ok`),
    );
  });

  it("shows per-vDAG and per-node figures, and the Master DAG over the blocks", async () => {
    const m = await api.caller().vdags.metrics({ vdagURI: PIPELINE });
    expect(m.requests.total).toBeGreaterThanOrEqual(5);
    expect(m.requests.p50Ms).toBeGreaterThan(0);
    expect(m.nodes.detect?.requests).toBeGreaterThanOrEqual(5);
    const master = await api.caller().vdags.masterDag();
    const edges = master.edges.map((e) => `${e.from}->${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining(["language-detect->sentiment", "sentiment->echo", "echo->echo"]),
    );
  });

  it("keeps quota counts and metrics history when the controller is killed and started again", async () => {
    const [controller] = await api.caller().vdags.controllers({ vdagURI: PIPELINE });
    const controllerId = controller?.id ?? "";
    await api.caller().vdags.mgmt({
      vdagURI: PIPELINE,
      service: "quota",
      action: "setLimit",
      data: { sessionId: "durable", limit: 3 },
    });
    for (let i = 0; i < 3; i++)
      expect((await infer(PIPELINE, { session_id: "durable", data: { text: "fine" } })).status).toBe(200);
    await waitUntil(
      "the counts and figures to be stored",
      async () =>
        (await api.services.vdagQuota.state(controllerId, null)).sessions.durable === 3 &&
        (await api.caller().vdags.metricSeries({ vdagURI: PIPELINE, name: "requests_total" })).some(
          (s) => s.value >= 3,
        ),
    );
    const killedAt = Date.now();
    const pids = controllerPids(controllerId);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, "SIGKILL");

    // The agent starts it again and hands it the stored quota before it takes requests.
    await waitUntil(
      "the controller to serve again",
      async () =>
        (await infer(PIPELINE, { session_id: "after-restart", data: { text: "fine" } })).status === 200,
      30_000,
    );
    expect(controllerPids(controllerId)).not.toEqual(pids);
    const refused = await infer(PIPELINE, { session_id: "durable", data: { text: "fine" } });
    expect(refused.status).toBe(429);
    // The limit set by management came back with the policy's own state.
    expect(refused.body.error?.message).toMatch(/^session durable used its 3 requests per /);
    expect(await api.caller().vdags.quota({ vdagURI: PIPELINE, sessionId: "durable" })).toMatchObject({
      count: 3,
    });

    // The history from before the restart is still there, and the new process adds to it.
    await waitUntil("figures of the new process", async () =>
      (await api.caller().vdags.metricSeries({ vdagURI: PIPELINE, name: "requests_total" })).some(
        (s) => Date.parse(s.ts) > killedAt,
      ),
    );
    const series = await api.caller().vdags.metricSeries({ vdagURI: PIPELINE });
    expect(
      series.some((s) => s.name === "requests_total" && Date.parse(s.ts) < killedAt && s.value >= 3),
    ).toBe(true);
    expect(series.some((s) => s.entity === `${PIPELINE}/detect` && s.name === "latency_p50_ms")).toBe(true);

    // reset clears the stored count too: a restart after it does not bring the old count back.
    await api.caller().vdags.quotaReset({ vdagURI: PIPELINE, sessionId: "durable" });
    expect((await api.services.vdagQuota.state(controllerId, null)).sessions.durable).toBe(0);
    expect((await infer(PIPELINE, { session_id: "durable", data: { text: "fine" } })).status).toBe(200);
  }, 60_000);

  it("follows a block's executor started again with a new address and token: the controller is handed it", async () => {
    const before = await api.caller().blocks.get({ id: "echo" });
    const pids = executorPids("echo");
    expect(pids.length).toBe(1);
    for (const pid of pids) process.kill(pid, "SIGKILL");
    // The agent starts it again (another port, another data token) and reports it; the API tells
    // the controller's agent, which hands the controller its new configuration.
    await waitUntil(
      "the block's new executor to be reported",
      async () => {
        const now = await api.caller().blocks.get({ id: "echo" });
        const runtime = (b: typeof now) => (b.doc as { runtime?: { executorEndpoint?: string } }).runtime;
        return (
          now.status === "running" &&
          Boolean(runtime(now)?.executorEndpoint) &&
          runtime(now)?.executorEndpoint !== runtime(before)?.executorEndpoint
        );
      },
      30_000,
    );
    await waitUntil(
      "the vDAG to answer through the new executor",
      async () => (await infer(PIPELINE, { data: { text: "I love this wonderful product" } })).status === 200,
      10_000,
    );
    const r = await infer(PIPELINE, { data: { text: "I love this wonderful product" } });
    expect(r.status).toBe(200);
    expect(steps(r.body)).toEqual({ detect: "ok", sentiment: "ok", other: "skipped", aggregate: "ok" });
  }, 60_000);

  it("fails fast naming the step when a block in the middle goes away, and marks the vDAG unhealthy", async () => {
    await api.caller().blocks.remove({ id: "sentiment" });
    await waitUntil(
      "the block to be removed",
      async () => (await api.caller().blocks.get({ id: "sentiment" })).status === "removed",
    );
    const started = Date.now();
    const r = await infer(PIPELINE, { data: { text: "I love this wonderful product, it works great" } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.status).toBeGreaterThanOrEqual(500);
    // At the step itself, or already at the health fast-check; either way the step is named.
    expect(["step", "health"]).toContain(r.body.error?.stage);
    expect(r.body.error?.message).toContain("sentiment");
    await waitUntil(
      "the vDAG to be marked unhealthy",
      async () => (await api.caller().vdags.get({ vdagURI: PIPELINE })).status === "unhealthy",
      15_000,
    );
  });
});
