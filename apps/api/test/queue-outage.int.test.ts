import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jobIdFor, nodeQueueName } from "@aios/contracts";
import { type RedisServer, startRedisServer } from "@aios/queue";
import { findFreePort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

const t = Date.now().toString(36);

/**
 * While Redis (the control queues) is down, control commands answer within seconds: a command that
 * changes the desired state is accepted and stored, the block saying why its nodes were not told
 * yet (they apply it at their next resync, through the API); a command that needs an agent's answer
 * is refused naming Redis. Once Redis is back, commands reach the nodes' queues again.
 */
describe("control commands while the control queues are down", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-queue-outage-"));
  let port = 0;
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    port = await findFreePort();
    redis = await startRedisServer({ dir, port });
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const api = useApi({ redisUrl: () => redis?.url ?? "" });
  const clusterId = `qo-${t}`;
  const nodeId = `${clusterId}-n1`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };

  it("accepts and stores a scale within seconds, refuses an agent's answer naming Redis, and dispatches again once it is back", async () => {
    await api.caller(agent).agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: nodeId, vcpus: 8, memoryMb: 16_384, storageMb: 10_000, cpuModel: "test", gpus: [] },
    });
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: `qo-${t}`, version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: "examples/components/echo/index.ts" },
        resources: { vcpus: 1, memoryMb: 256 },
      }),
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: `model.qo-${t}:1.0.0-stable`,
        blockId: "qo-block",
        clusterId,
        minInstances: 1,
        maxInstances: 4,
      }),
    });

    await redis?.stop();
    const started = performance.now();
    const scaled = await api.caller().blocks.scale({ id: "qo-block", instances: 2 });
    const scaleMs = Math.round(performance.now() - started);
    const refusedAt = performance.now();
    const refused = await rejection(api.caller().blocks.logs({ id: "qo-block" }));
    const refuseMs = Math.round(performance.now() - refusedAt);
    process.stdout.write(`  Redis down: scale answered in ${scaleMs} ms, logs refused in ${refuseMs} ms\n`);

    expect(scaled.desiredInstances).toBe(2);
    expect((await api.caller().blocks.instances({ id: "qo-block" })).length).toBe(2);
    expect((scaled.doc.runtime as { statusReason?: string }).statusReason).toMatch(
      /^scaled to 2 instance\(s\); its nodes apply it at their next resync \(every 30 s\): the control queues \(Redis\) did not answer within 3000 ms/,
    );
    expect(refused.message).toMatch(/the control queues \(Redis\) did not answer within 3000 ms/);
    // The promise: a command answers within 5 s while Redis is down.
    expect(Math.max(scaleMs, refuseMs)).toBeLessThan(5000);

    redis = await startRedisServer({ dir, port });
    const again = await api.caller().blocks.scale({ id: "qo-block", instances: 3 });
    expect((again.doc.runtime as { statusReason?: string }).statusReason).toBe("scaled to 3 instance(s)");
    const revision = (again.doc.runtime as { revision: number }).revision;
    const job = await api.queues
      .queue(nodeQueueName(clusterId, nodeId))
      .getJob(jobIdFor({ type: "block.reconcile", blockId: "qo-block", revision }));
    expect(job?.data).toMatchObject({ blockId: "qo-block", revision });
  });
});
