import { createApiClient } from "@aios/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../api/test/harness";
import { readGpus, readHeartbeatGpus } from "../src/node-facts";
import { type FakeGpus, fakeGpus, idleGpus } from "./fake-gpus";

const t = Date.now().toString(36);

/**
 * The agent's side of GPU heartbeats over HTTP: what a (fake) nvidia-smi shows reaches the node's
 * record and its series, and moves when the figures move.
 */
describe("GPU figures from nvidia-smi to the node's record", () => {
  const api = useApiServer({ auth: "open" });
  let fake: FakeGpus;
  const saved = { PATH: process.env.PATH, AIOS_FAKE_GPUS_FILE: process.env.AIOS_FAKE_GPUS_FILE };

  beforeAll(() => {
    fake = fakeGpus(idleGpus(4));
    Object.assign(process.env, fake.env);
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fake.cleanup();
  });

  it("sends each GPU's utilisation, memory and processes with the heartbeat", async () => {
    const client = createApiClient({ url: api.url });
    const clusterId = `gpu-hb-${t}`;
    const nodeId = `${clusterId}-n1`;
    await client.agents.register.mutate({
      clusterId,
      publicHostname: "127.0.0.1",
      node: {
        id: nodeId,
        vcpus: 4,
        memoryMb: 8192,
        storageMb: 1000,
        cpuModel: "test",
        gpus: await readGpus(),
      },
    });
    const heartbeat = async () =>
      client.agents.heartbeat.mutate({ clusterId, nodeId, gpus: await readHeartbeatGpus() });

    const gpus = idleGpus(4);
    gpus[2] = {
      ...(gpus[2] as (typeof gpus)[number]),
      utilizationPct: 64,
      memoryUsedMb: 30000,
      processes: [{ pid: 3131, name: "python3 serve.py", usedMemoryMb: 29500 }],
    };
    fake.set(gpus);
    expect(await heartbeat()).toEqual({ known: true });
    let node = await client.nodes.get.query({ id: nodeId });
    expect(node.gpus.map((g) => g.utilizationPct)).toEqual([0, 0, 64, 0]);
    expect(node.gpus[2]).toMatchObject({
      modelName: "NVIDIA A100-SXM4-80GB",
      memoryUsedMb: 30000,
      processes: [{ pid: 3131, name: "python3 serve.py", usedMemoryMb: 29500 }],
    });

    gpus[2] = { ...(gpus[2] as (typeof gpus)[number]), utilizationPct: 8, memoryUsedMb: 500, processes: [] };
    fake.set(gpus);
    await heartbeat();
    node = await client.nodes.get.query({ id: nodeId });
    expect(node.gpus[2]).toMatchObject({ utilizationPct: 8, memoryUsedMb: 500, processes: [] });
    const series = await client.nodes.metricSeries.query({ id: nodeId, name: "gpu.2.utilization" });
    expect(series.map((p) => p.value)).toEqual([64, 8]);

    // nvidia-smi failing sends no GPUs: the last figures stay, with the time they were read.
    fake.fail();
    expect(await readHeartbeatGpus()).toEqual([]);
    await heartbeat();
    expect((await client.nodes.get.query({ id: nodeId })).gpus[2]?.utilizationPct).toBe(8);
  });
});
