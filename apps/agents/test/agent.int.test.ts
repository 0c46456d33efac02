import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { clusterQueueName } from "@aios/contracts";
import { connectQueueBackend, type QueueBackend } from "@aios/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../api/test/harness";

const root = resolve(import.meta.dirname, "../../..");
const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

describe.runIf(redisUrl)("cluster agent process", () => {
  const api = useApiServer();
  const clusterId = `agent-test-${Date.now().toString(36)}`;
  let agent: ReturnType<typeof spawn>;
  let output = "";
  let queues: QueueBackend;

  beforeAll(async () => {
    queues = connectQueueBackend({ kind: "redis", url: redisUrl });
    agent = spawn(process.execPath, ["--import", "tsx", "apps/agents/src/main.ts"], {
      cwd: root,
      env: {
        ...process.env,
        AIOS_API_URL: api.url,
        AIOS_CLUSTER_ID: clusterId,
        AIOS_NODE_ID: "agent-test-node",
        AIOS_QUEUE_BACKEND: "redis",
        AIOS_QUEUE_URL: redisUrl,
        AIOS_HEARTBEAT_SECONDS: "0.2",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    agent.stdout?.on("data", (d) => (output += d));
    agent.stderr?.on("data", (d) => (output += d));
  });
  afterAll(async () => {
    if (agent.exitCode === null) agent.kill("SIGKILL");
    await queues.close();
  });

  it("registers its cluster and its node with this machine's facts", async () => {
    await expect
      .poll(() => api.services.nodes.list({ clusterId }).then((n) => n.length), { timeout: 20_000 })
      .toBe(1);
    const node = await api.services.nodes.get("agent-test-node");
    expect(node.vcpus).toBe(cpus().length);
    expect(node.memoryMb).toBeGreaterThan(0);
    expect(node.storageMb).toBeGreaterThan(0);
    const cluster = await api.services.clusters.get(clusterId);
    expect(cluster.status).toBe("live");
  });

  it("heartbeats keep the node's last-seen time fresh", async () => {
    const first = (await api.services.nodes.get("agent-test-node")).lastSeenAt;
    await expect
      .poll(async () => (await api.services.nodes.get("agent-test-node")).lastSeenAt, { timeout: 5_000 })
      .not.toBe(first);
  });

  it("answers a job on its cluster queue, and fails a malformed one without retrying it", async () => {
    const queue = queues.queue(clusterQueueName(clusterId));
    await queue.add(
      "cluster.ping",
      { type: "cluster.ping", requestedAt: new Date().toISOString() },
      { jobId: "ping-1" },
    );
    await expect
      .poll(async () => (await queue.getJob("ping-1"))?.returnvalue, { timeout: 10_000 })
      .toMatchObject({ clusterId, nodeId: "agent-test-node" });

    await queue.add("bogus", { type: "cluster.ping" }, { jobId: "bad-1", attempts: 5 });
    await expect
      .poll(async () => (await queue.getJob("bad-1"))?.failedReason, { timeout: 10_000 })
      .toContain("invalid bogus job payload");
    expect((await queue.getJob("bad-1"))?.attemptsMade).toBe(1);
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((r) => agent.once("exit", (code) => r(code)));
    agent.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"shutting down"');
  });
});
