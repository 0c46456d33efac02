import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const _examples = resolve(import.meta.dirname, "../../../examples/specs");

describe.runIf(redisUrl)("a managed third-party system (init step)", () => {
  const api = useApiServer();
  const clusterId = `ms-${Date.now().toString(36)}`;
  let agent: AgentProcess;
  const block = () => api.caller().blocks.get({ id: "kv" });
  const infer = async (data: unknown) => {
    const res = await fetch(`${api.url}/v1/blocks/kv/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data }),
    });
    return { status: res.status, body: (await res.json()) as { packet?: { data: unknown } } };
  };
  const initOf = (d: Record<string, unknown>) =>
    (d.runtime as { init: { parameters: { url: string }; stages: Array<{ mode: string; stage: string }> } })
      .init;

  beforeAll(async () => {
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "components.json");
    agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "300" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it("installs the system before the instances start and hands them its URL", async () => {
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "tool.kv-store:1.0.0-stable",
        blockId: "kv",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    });
    await expect.poll(async () => (await block()).status, { timeout: 60_000, interval: 300 }).toBe("running");
    const init = initOf((await block()).doc);
    expect(init.stages.map((s) => `${s.mode}:${s.stage}`)).toEqual([
      "install:begin",
      "install:main",
      "install:finish",
    ]);
    expect(init.parameters.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await infer({ op: "set", key: "greeting", value: "hello" })).body.packet?.data).toEqual({
      key: "greeting",
      stored: true,
    });
    expect((await infer({ op: "get", key: "greeting" })).body.packet?.data).toEqual({
      key: "greeting",
      value: "hello",
    });
  });

  it("uninstalls the system when the block is removed, every stage recorded", async () => {
    const { url } = initOf((await block()).doc).parameters;
    await api.caller().blocks.remove({ id: "kv" });
    await expect.poll(async () => (await block()).status, { timeout: 60_000, interval: 300 }).toBe("removed");
    const stages = initOf((await block()).doc).stages.map((s) => `${s.mode}:${s.stage}`);
    expect(stages.slice(-3)).toEqual(["uninstall:begin", "uninstall:main", "uninstall:finish"]);
    await expect
      .poll(
        async () =>
          fetch(url, { method: "POST", body: '{"op":"keys"}' }).then(
            () => "up",
            () => "down",
          ),
        { timeout: 10_000 },
      )
      .toBe("down");
  });
});
