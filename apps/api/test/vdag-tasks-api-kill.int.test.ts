import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "@aios/db/testing";
import { findFreePort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentProcess,
  applyExamples,
  startClusterAgent,
  waitUntil,
} from "../../agents/test/agent-process";
import { type ApiProcess, startApiProcess, waitForApi } from "./api-process";
import { doc } from "./harness";
import { trpcOver } from "./trpc-http";

const REQUESTS = 100;
const VDAG = "durable-echo:1.0.0-stable";
const BLOCK = "tk-echo";

/**
 * The promise: an async vDAG request the API accepted (202) ends `succeeded`, or `failed` with a
 * reason, even when the API process is killed with SIGKILL while it holds queued and running
 * tasks; none stays pending, none is lost. A real API process, a real cluster agent running an echo
 * block (300 ms a request) and the vDAG's controller; 50 requests, `kill -9`, a new API process on
 * the same port, 50 more.
 */
describe("kill -9 of the API during 100 async vDAG requests", () => {
  const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
  const clusterId = `vtk-${Date.now().toString(36)}`;
  let server: TestServer;
  let database: TestDatabase;
  let api: ApiProcess | undefined;
  let agent: AgentProcess | undefined;
  let url = "";

  const startApi = async () => {
    const port = new URL(url).port;
    api = startApiProcess({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      AIOS_QUEUE_BACKEND: "redis",
      AIOS_API_HOST: "127.0.0.1",
      AIOS_API_PORT: port,
      AIOS_AUTH: "open",
      AIOS_VDAG_TASK_SWEEP_SECONDS: "5",
    });
    await waitForApi(url, api);
  };
  const apply = async (document: unknown) => {
    const r = await trpcOver(url).mutation("parser.applySpec", { document });
    if (r.status !== 200) throw new Error(`applySpec answered ${r.status}: ${r.error?.message}`);
    return r.data;
  };

  beforeAll(async () => {
    if (!redisUrl) throw new Error("AIOS_TEST_REDIS_URL is not set: run through the integration project");
    server = await startTestServer();
    database = await createTestDatabase(server.adminUrl);
    url = `http://127.0.0.1:${await findFreePort()}`;
    await startApi();
    await applyExamples(apply, "components.json");
    await applyExamples(apply, "policies.json");
    agent = startClusterAgent(url, clusterId, { AIOS_BLOCK_WATCH_MS: "300" });
    const db = database.db;
    await waitUntil(
      "the agent to register",
      async () => (await db.node.count({ where: { clusterId } })) === 1,
    );
    await apply(
      doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: BLOCK,
        clusterId,
        minInstances: 1,
        maxInstances: 1,
        parameters: { delayMs: 300 },
        initSettings: { healthCheckInterval: 0.3 },
      }),
    );
    await waitUntil(
      "the block to run",
      async () => (await db.block.findUnique({ where: { id: BLOCK } }))?.status === "running",
      60_000,
    );
    await apply(
      doc("createvDAG", {
        vdagName: "durable-echo",
        vdagVersion: { version: "1.0.0", "release-tag": "stable" },
        nodes: [{ spec: { values: { nodeLabel: "echo", manualBlockId: BLOCK } } }],
        controller: { healthChecker: { interval: 1 } },
      }),
    );
    await waitUntil(
      "the vDAG to be active",
      async () => (await db.vdag.findUnique({ where: { vdagURI: VDAG } }))?.status === "active",
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    await agent?.stop();
    await api?.stop();
    await database?.drop();
    await server?.stop();
  });

  it("ends every accepted task, completed or failed with a reason, after the API is killed and back", async () => {
    const db = database.db;
    const accepted: string[] = [];
    const submit = async (i: number) => {
      const res = await fetch(`${url}/v1/vdags/${encodeURIComponent(VDAG)}/infer?async=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: { i } }),
      });
      const body = (await res.json()) as { taskId?: string; status?: string };
      expect([res.status, body.status]).toEqual([202, "queued"]);
      accepted.push(body.taskId ?? "");
    };
    const submitRange = async (from: number, to: number) => {
      for (let i = from; i < to; i += 10)
        await Promise.all(Array.from({ length: Math.min(10, to - i) }, (_, k) => submit(i + k)));
    };
    const pendingOf = async () => ({
      queued: await db.task.count({ where: { id: { in: accepted }, status: "queued" } }),
      running: await db.task.count({ where: { id: { in: accepted }, status: "running" } }),
    });

    await submitRange(0, REQUESTS / 2);
    const killedAt = Date.now();
    await api?.kill();
    const atKill = await pendingOf();
    // The kill falls in the middle: the API held tasks still to do.
    expect(atKill.queued + atKill.running).toBeGreaterThan(0);
    await startApi();
    const backAt = Date.now();
    await submitRange(REQUESTS / 2, REQUESTS);

    await waitUntil(
      "every accepted task to end",
      async () => {
        const p = await pendingOf();
        return p.queued + p.running === 0;
      },
      240_000,
    );
    const drainedAt = Date.now();

    const rows = await db.task.findMany({ where: { id: { in: accepted } } });
    const failed = rows.filter((r) => r.status !== "succeeded");
    const figures = {
      accepted: accepted.length,
      pendingAtKill: atKill,
      completed: rows.length - failed.length,
      failed: failed.length,
      failedReasons: [...new Set(failed.map((r) => (r.error as { message?: string } | null)?.message))],
      secondsDown: (backAt - killedAt) / 1000,
      secondsToDrainAfterRestart: (drainedAt - backAt) / 1000,
    };
    console.log(`kill -9 of the API during ${REQUESTS} async vDAG requests: ${JSON.stringify(figures)}`);
    if (failed.length > 0) {
      // What the processes said, to tell why a task failed.
      console.log(`API:\n${api?.output().slice(-4000)}\nagent:\n${agent?.output().slice(-4000)}`);
    }

    expect(new Set(accepted).size).toBe(REQUESTS);
    expect(rows).toHaveLength(REQUESTS); // none lost
    for (const row of rows) {
      expect(["succeeded", "failed"]).toContain(row.status);
      expect(row.finishedAt).not.toBeNull();
      if (row.status === "failed") expect((row.error as { message?: string }).message).toMatch(/\S/);
    }
  }, 300_000);
});
