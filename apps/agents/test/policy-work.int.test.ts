import { networkInterfaces } from "node:os";
import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../packages/client/src/cli/main";
import { useApiServer } from "../../api/test/harness";
import { type AgentProcess, startClusterAgent, waitUntil } from "./agent-process";
import { METRICS_READER_POLICY } from "./fixtures/metrics-reader-policy";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
/**
 * When this machine has an outside address, the agent runs as a node other machines reach (off
 * loopback, so as part of a token network).
 */
const externalIp = Object.values(networkInterfaces())
  .flat()
  .find((a) => a?.family === "IPv4" && !a.internal)?.address;
const reachable: Record<string, string> = externalIp
  ? { AIOS_BIND_HOST: "0.0.0.0", AIOS_PUBLIC_HOSTNAME: externalIp, AIOS_AUTH: "token" }
  : {};
const policies = resolve(import.meta.dirname, "../../../examples/specs/policies.json");

describe.runIf(redisUrl)("policy work on a cluster agent", () => {
  const api = useApiServer();
  const clusterId = `pw-${Date.now().toString(36)}`;
  let agent: AgentProcess;

  beforeAll(async () => {
    for (const { document } of loadSpecFile(policies)) await api.caller().parser.applySpec({ document });
    agent = startClusterAgent(api.url, clusterId, reachable);
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it("runs a policy job on the agent and stores its result and logs (type 3)", async () => {
    const job = await api.caller().policies.submitJob({
      policyRuleURI: "word-stats:1.0.0-stable",
      clusterId,
      input: { a: "the quick brown fox", b: ["jumps over", "the lazy dog"] },
    });
    expect(job.status).toBe("pending");
    await expect
      .poll(async () => (await api.caller().policies.getJob({ id: job.id })).status, { timeout: 20_000 })
      .toBe("succeeded");
    const done = await api.caller().policies.getJob({ id: job.id });
    expect(done.output).toEqual({ texts: 3, words: 9, longest: "quick" });
    expect(done.logs).toEqual([{ level: "info", message: "9 words in 3 texts" }]);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
  });

  it("submits a job and shows its result through the CLI", async () => {
    const out: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
      env: { AIOS_API_URL: api.url },
    };
    const args = ["policy", "job", "submit", "word-stats:1.0.0-stable", "--cluster", clusterId];
    expect(await cli([...args, "--input", '"one two three"', "--wait"], io)).toBe(0);
    const job = JSON.parse(out.join("")) as { id: string; status: string; output: unknown };
    expect(job).toMatchObject({ status: "succeeded", output: { texts: 1, words: 3, longest: "three" } });
    out.length = 0;
    expect(await cli(["policy", "job", "get", job.id], io)).toBe(0);
    expect(JSON.parse(out.join(""))).toMatchObject({ id: job.id, status: "succeeded" });
  });

  it("keeps the logs of an init that failed", async () => {
    const code = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "function",
  init({ settings }) {
    if (settings.target === undefined) return {};
    console.log("connecting to", settings.target);
    throw new Error("no target reachable");
  },
  eval(input) { return input; },
});
`;
    const spec = { name: "failing-init", version: "1.0.0", releaseTag: "stable", kind: "function", code };
    await api.caller().parser.applySpec({
      document: {
        header: { templateUri: "Parser/V1", parameters: {}, action: "createPolicy" },
        body: { spec: { values: spec } },
      },
    });
    const job = await api.caller().policies.submitJob({
      policyRuleURI: "failing-init:1.0.0-stable",
      clusterId,
      input: {},
      settings: { target: "db-1" },
    });
    await expect
      .poll(async () => (await api.caller().policies.getJob({ id: job.id })).status, { timeout: 20_000 })
      .toBe("failed");
    const failed = await api.caller().policies.getJob({ id: job.id });
    expect(failed.error).toMatchObject({
      kind: "runtime",
      message: expect.stringMatching(/no target reachable/),
    });
    expect(failed.logs).toEqual([{ level: "log", message: "connecting to db-1" }]);
  });

  it("lets a job read its own cluster's metrics through ctx.query, and only those (type 3)", async () => {
    const code = METRICS_READER_POLICY;
    const spec = { name: "reads-metrics", version: "1.0.0", releaseTag: "stable", kind: "function", code };
    await api.caller().parser.applySpec({
      document: {
        header: { templateUri: "Parser/V1", parameters: {}, action: "createPolicy" },
        body: { spec: { values: spec } },
      },
    });
    const job = await api
      .caller()
      .policies.submitJob({ policyRuleURI: "reads-metrics:1.0.0-stable", clusterId, input: {} });
    await expect
      .poll(async () => (await api.caller().policies.getJob({ id: job.id })).status, { timeout: 20_000 })
      .toBe("succeeded");
    expect((await api.caller().policies.getJob({ id: job.id })).output).toEqual({
      own: [`${clusterId}-node`],
      other: `ctx.query failed: query.clusterId: some-other-cluster is not this agent's cluster (${clusterId})`,
    });
  });

  it("records a failing job with its error", async () => {
    const job = await api.caller().policies.submitJob({
      policyRuleURI: "round-robin:1.0.0-stable",
      clusterId,
      input: { not: "a load balancer input" },
    });
    await expect
      .poll(async () => (await api.caller().policies.getJob({ id: job.id })).status, { timeout: 20_000 })
      .toBe("failed");
    expect((await api.caller().policies.getJob({ id: job.id })).error).toMatchObject({
      kind: "invalid_input",
    });
  });

  it("hosts a stateful function with replicas, each keeping its own state (type 4)", async () => {
    await api
      .caller()
      .functions.deploy({ name: "tally", policyRuleURI: "counter:1.0.0-stable", clusterId, replicas: 2 });
    await expect
      .poll(async () => (await api.caller().functions.get({ name: "tally" })).status, { timeout: 30_000 })
      .toBe("running");
    const fn = await api.caller().functions.get({ name: "tally" });
    expect(fn.replicaStates.map((r) => r.status)).toEqual(["ready", "ready"]);
    // Invoked below through these endpoints: on the node's outside address when it has one.
    for (const r of fn.replicaStates)
      expect(r.endpoint).toMatch(new RegExp(`^http://${externalIp ?? "127.0.0.1"}:\\d+$`));

    const on0 = [];
    for (let i = 0; i < 3; i++)
      on0.push(await api.caller().functions.invoke({ name: "tally", input: { key: "k" }, replica: 0 }));
    expect(on0.map((r) => r.output)).toEqual([
      { key: "k", count: 1 },
      { key: "k", count: 2 },
      { key: "k", count: 3 },
    ]);
    const on1 = await api.caller().functions.invoke({ name: "tally", input: { key: "k" }, replica: 1 });
    expect(on1.output).toEqual({ key: "k", count: 1 });
    // A replica's `/invoke` takes its data token, which only the API sends (no record shows it).
    const direct = await fetch(`${fn.replicaStates[0]?.endpoint}/invoke`, {
      method: "POST",
      body: JSON.stringify({ input: { key: "k" } }),
    });
    expect(direct.status).toBe(401);
    const row = await api.database.db.policyFunction.findUniqueOrThrow({ where: { name: "tally" } });
    const tokens = Object.values(
      (row.doc as { replicaDataTokens: Record<string, string> }).replicaDataTokens,
    );
    expect(tokens).toHaveLength(2);
    const shown = JSON.stringify([
      await api.caller().functions.get({ name: "tally" }),
      await api
        .caller()
        .functions.search({ filter: { variable: "replicaStates.status", operator: "==", value: "ready" } }),
    ]);
    for (const token of tokens) expect(shown).not.toContain(token);

    const reset = await api
      .caller()
      .functions.management({ name: "tally", action: "reset", data: {}, replica: 0 });
    expect(reset.output).toEqual({ ok: true, counts: {} });

    await api.caller().functions.scale({ name: "tally", replicas: 1 });
    await expect
      .poll(async () => (await api.caller().functions.get({ name: "tally" })).replicaStates.length, {
        timeout: 20_000,
      })
      .toBe(1);
  });

  it("survives an agent restart: the function comes back from its desired state", async () => {
    const before = await api.caller().functions.get({ name: "tally" });
    const oldPid = before.replicaStates[0]?.pid;
    await agent.stop();
    agent = startClusterAgent(api.url, clusterId, reachable);
    await expect
      .poll(
        async () => {
          const fn = await api.caller().functions.get({ name: "tally" });
          return (
            fn.replicaStates.length === 1 &&
            fn.replicaStates[0]?.status === "ready" &&
            fn.replicaStates[0]?.pid !== oldPid
          );
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    expect((await api.caller().functions.invoke({ name: "tally", input: { key: "z" } })).ok).toBe(true);
  });

  it("an agent killed: its replicas run on, and the next agent adopts them with their state", async () => {
    const before = await api.caller().functions.get({ name: "tally" });
    const first = await api.caller().functions.invoke({ name: "tally", input: { key: "kept" } });
    expect(first.output).toEqual({ key: "kept", count: 1 });
    await agent.kill();
    agent = startClusterAgent(api.url, clusterId, reachable);
    await waitUntil("the next agent to adopt the replica", async () =>
      agent.output().includes("adopted a running function replica"),
    );
    const after = await api.caller().functions.get({ name: "tally" });
    expect(after.replicaStates.map((r) => [r.status, r.pid])).toEqual([
      ["ready", before.replicaStates[0]?.pid],
    ]);
    // The same process, its count kept: not a replica started anew.
    const second = await api.caller().functions.invoke({ name: "tally", input: { key: "kept" } });
    expect(second.output).toEqual({ key: "kept", count: 2 });
  });

  it("starts a replica again when its process dies, and reports it ready at its new pid", async () => {
    const before = await api.caller().functions.get({ name: "tally" });
    const pid = before.replicaStates[0]?.pid;
    if (!pid) throw new Error(`no replica pid: ${JSON.stringify(before.replicaStates)}`);
    process.kill(pid, "SIGKILL");
    await expect
      .poll(
        async () => {
          const [r] = (await api.caller().functions.get({ name: "tally" })).replicaStates;
          return r?.status === "ready" && r.pid !== pid;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    // A new process: the state the dead one held is gone.
    const after = await api.caller().functions.invoke({ name: "tally", input: { key: "kept" } });
    expect(after.output).toEqual({ key: "kept", count: 1 });
  });

  it("runs a graph of three functions and returns the composed output (type 5)", async () => {
    for (const name of ["stats-a", "stats-b", "stats-sum"]) {
      await api
        .caller()
        .functions.deploy({ name, policyRuleURI: "word-stats:1.0.0-stable", clusterId, replicas: 1 });
    }
    await expect
      .poll(
        async () =>
          (await api.caller().functions.list({ clusterId })).filter((f) => f.status === "running").length,
        {
          timeout: 30_000,
        },
      )
      .toBe(4);
    const { graph } = await api.caller().graphs.create({
      name: "text-stats",
      graph: { "stats-a": ["stats-sum"], "stats-b": ["stats-sum"] },
    });
    expect(graph.graphURI).toBe("text-stats:1.0.0-stable");
    const r = await api.caller().graphs.execute({ graphURI: graph.graphURI, input: "hello wonderful world" });
    expect(r.ok).toBe(true);
    expect(r.trace.map((s) => s.fn)).toEqual(["stats-a", "stats-b", "stats-sum"]);
    // Each step carries its own output, the heads' too (only tails are in `outputs`).
    expect(r.trace[0]?.output).toEqual({ texts: 1, words: 3, longest: "wonderful" });
    // stats-sum sees {inputs: [a's output, b's output]}: the word-stats of two stats objects.
    expect(r.outputs).toEqual({ "stats-sum": { texts: 2, words: 2, longest: "wonderful" } });
  });

  it("removes a function: its replicas stop and it is gone", async () => {
    await api.caller().functions.remove({ name: "tally" });
    await expect
      .poll(async () => (await api.caller().functions.list({ clusterId })).some((f) => f.name === "tally"), {
        timeout: 20_000,
      })
      .toBe(false);
  });
});
