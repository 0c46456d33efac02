import { dirname, join } from "node:path";
import { processesOfHome } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../packages/client/src/cli/main";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, agentStateDir, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const dir = "examples/components/greeter-with-sidecar";

/**
 * A block of a component with an init container and a side-car (the greeter example), run by a
 * real agent process: through the API, its logs by container, the side-car's end restarting the
 * instance, and nothing left running once the block is removed.
 */
describe.runIf(redisUrl)("a block whose instances have an init container and a side-car", () => {
  const api = useApiServer();
  const clusterId = `sc-${Date.now().toString(36)}`;
  let agent: AgentProcess;
  // The agent's AIOS_HOME is two levels above its state; its workloads' homes, `<AIOS_HOME>-workloads/<cluster>`.
  const workloadsDir = () => join(`${dirname(dirname(agentStateDir(clusterId)))}-workloads`, clusterId);
  const instances = () => api.caller().blocks.instances({ id: "greeter" });
  const infer = async () => {
    const res = await fetch(`${api.url}/v1/blocks/greeter/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { name: "Grace" } }),
    });
    return ((await res.json()) as { packet?: { data?: Record<string, unknown> } }).packet?.data;
  };
  /** The processes in the home of one instance: itself, its side-car, anything they started. */
  const processesOf = (instanceId: string) =>
    processesOfHome(join(workloadsDir(), "homes", `greeter-${instanceId}`));

  beforeAll(async () => {
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: "greeter", version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: {
          entry: `${dir}/index.ts`,
          initContainers: [{ name: "prepare", entry: `${dir}/prepare.ts`, env: { GREETING: "salut" } }],
          sidecars: [{ name: "stamp", entry: `${dir}/stamp-server.ts`, ports: [{ name: "stamp" }] }],
        },
      }),
    });
    agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "300" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.greeter:1.0.0-stable",
        blockId: "greeter",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it("serves what its init container wrote and its side-car answered; each one's logs by name", async () => {
    await expect
      .poll(infer, { timeout: 60_000, interval: 300 })
      .toMatchObject({ greeting: "salut", name: "Grace", stamp: 1 });
    const [instance] = await instances();
    const logs = (container?: string) =>
      api.caller().blocks.logs({
        id: "greeter",
        instanceId: instance?.id as string,
        ...(container ? { container } : {}),
      });
    expect((await logs("prepare")).lines.join("\n")).toContain('prepare: wrote greeting "salut"');
    expect((await logs("stamp")).lines.join("\n")).toContain("stamp side-car listening");
    expect((await logs()).lines.join("\n")).not.toContain("stamp side-car listening");
    // The CLI's `--container`, through the same API.
    const out: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
      env: { AIOS_API_URL: api.url },
    };
    const args = ["logs", "block", "greeter", "--instance", instance?.id as string, "--container", "stamp"];
    expect(await cli(args, io)).toBe(0);
    expect(out.join("\n")).toContain("stamp side-car listening");
  });

  it("starts the instance again, side-car and all, when its side-car is killed, saying why", async () => {
    const [before] = await instances();
    const id = before?.id as string;
    const sidecar = processesOf(id).find((p) => p.argv.some((a) => a.endsWith("stamp-server.ts")));
    expect(sidecar).toBeDefined();
    process.kill(sidecar?.pid as number, "SIGKILL");
    await expect
      .poll(
        async () =>
          (await api.caller().blocks.events({ id: "greeter" })).some(
            (e) =>
              e.name === "instance_crashed" &&
              JSON.stringify(e.data).includes("its side-car stamp exited (SIGKILL)"),
          ),
        { timeout: 30_000, interval: 300 },
      )
      .toBe(true);
    // Started again whole: a new side-car (its count starts over) and the init container's file.
    await expect
      .poll(infer, { timeout: 60_000, interval: 300 })
      .toMatchObject({ greeting: "salut", stamp: 1 });
  });

  it("fails a block whose init container fails, naming it, its exit code and its last lines", async () => {
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: "greeter", version: "1.0.1", releaseTag: "broken" },
        componentType: "model",
        runtime: {
          entry: `${dir}/index.ts`,
          initContainers: [{ name: "prepare", entry: `${dir}/prepare.ts`, env: { FAIL_WITH: "5" } }],
        },
      }),
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.greeter:1.0.1-broken",
        blockId: "greeter-broken",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    });
    await expect
      .poll(async () => JSON.stringify((await api.caller().blocks.get({ id: "greeter-broken" })).doc), {
        timeout: 60_000,
        interval: 300,
      })
      .toMatch(/init container prepare exited \(5\): .*prepare: told to fail with 5/);
    await api.caller().blocks.remove({ id: "greeter-broken" });
  });

  it("leaves no process of the instance or its side-car once the block is removed", async () => {
    const [instance] = await instances();
    expect(processesOf(instance?.id as string).length).toBeGreaterThan(0);
    await api.caller().blocks.remove({ id: "greeter" });
    await expect
      .poll(async () => (await api.caller().blocks.get({ id: "greeter" })).status, { timeout: 60_000 })
      .toBe("removed");
    await expect.poll(() => processesOf(instance?.id as string).length, { timeout: 15_000 }).toBe(0);
  });
});
