import { join } from "node:path";
import { MAX_GPU_PROCESSES } from "@aios/contracts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  parseComputeApps,
  parseGpuStatus,
  readGpuLoad,
  readGpuStatus,
  readGpus,
  readHeartbeatGpus,
} from "../src/node-facts";
import { FAKE_NVIDIA_SMI_DIR, type FakeGpus, fakeGpus, idleGpus } from "./fake-gpus";

describe("GPU status parsing", () => {
  it("reads each GPU's figures and matches processes to GPUs by uuid", () => {
    const gpus = "0, GPU-aaa, 87, 30000, 81920\n1, GPU-bbb, 3, 512, 81920\n";
    const apps =
      "GPU-bbb, 4242, /usr/bin/python3, 500\nGPU-aaa, 17, vllm, 29000\nGPU-aaa, 18, trainer, 900\n";
    expect(parseGpuStatus(gpus, apps)).toEqual([
      {
        index: 0,
        uuid: "GPU-aaa",
        utilizationPct: 87,
        memoryUsedMb: 30000,
        memoryTotalMb: 81920,
        processes: [
          { pid: 17, name: "vllm", usedMemoryMb: 29000 },
          { pid: 18, name: "trainer", usedMemoryMb: 900 },
        ],
      },
      {
        index: 1,
        uuid: "GPU-bbb",
        utilizationPct: 3,
        memoryUsedMb: 512,
        memoryTotalMb: 81920,
        processes: [{ pid: 4242, name: "/usr/bin/python3", usedMemoryMb: 500 }],
      },
    ]);
  });

  it("keeps a GPU whose figures the driver does not report, with those figures null", () => {
    const gpus = "0, GPU-aaa, [N/A], [Not Supported], 15360\n1, [N/A], 40, 100, 15360\n";
    const apps = "GPU-aaa, 99, python, [N/A]\n";
    expect(parseGpuStatus(gpus, apps)).toEqual([
      {
        index: 0,
        uuid: "GPU-aaa",
        utilizationPct: null,
        memoryUsedMb: null,
        memoryTotalMb: 15360,
        processes: [{ pid: 99, name: "python", usedMemoryMb: null }],
      },
      // Without a uuid no process can be matched to it.
      { index: 1, utilizationPct: 40, memoryUsedMb: 100, memoryTotalMb: 15360, processes: [] },
    ]);
  });

  it("finds no GPUs in empty output or in nvidia-smi's messages", () => {
    expect(parseGpuStatus("", "")).toEqual([]);
    expect(parseGpuStatus("\n\nNo devices were found\n", "")).toEqual([]);
  });

  it("takes extra spaces, CRLF line ends and a repeated index (kept once)", () => {
    const gpus = "  2 ,  GPU-c  ,  55 ,  1000 , 2000  \r\n2, GPU-d, 1, 1, 1\r\n";
    expect(parseGpuStatus(gpus)).toEqual([
      { index: 2, uuid: "GPU-c", utilizationPct: 55, memoryUsedMb: 1000, memoryTotalMb: 2000, processes: [] },
    ]);
  });

  it("reads process names holding commas, and skips lines without a GPU or a pid", () => {
    expect(
      parseComputeApps("GPU-a, 7, python, -m, serve, 64\n[N/A], 8, orphan, 1\nGPU-a, [N/A], ghost, 1\n\n"),
    ).toEqual([{ gpuUuid: "GPU-a", pid: 7, name: "python, -m, serve", usedMemoryMb: 64 }]);
  });
});

describe("GPU status through nvidia-smi (a fake on PATH)", () => {
  let fake: FakeGpus;
  const saved = { PATH: process.env.PATH, AIOS_FAKE_GPUS_FILE: process.env.AIOS_FAKE_GPUS_FILE };

  beforeAll(() => {
    fake = fakeGpus(idleGpus(4));
    Object.assign(process.env, fake.env);
  });
  afterEach(() => fake.set(idleGpus(4)));
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fake.cleanup();
  });

  it("registers the GPUs the fake reports", async () => {
    const gpus = await readGpus();
    expect(gpus).toHaveLength(4);
    expect(gpus[3]).toEqual({ index: 3, modelName: "NVIDIA A100-SXM4-80GB", memoryMb: 81920 });
  });

  it("reads the figures and processes the test wrote, and follows them when they move", async () => {
    const busy = idleGpus(4);
    busy[1] = {
      ...(busy[1] as (typeof busy)[number]),
      utilizationPct: 73,
      memoryUsedMb: 20480,
      processes: [{ pid: 5001, name: "text-sentiment", usedMemoryMb: 20000 }],
    };
    fake.set(busy);
    const first = await readGpuStatus();
    expect(first.map((g) => g.utilizationPct)).toEqual([0, 73, 0, 0]);
    expect(first[1]?.processes).toEqual([{ pid: 5001, name: "text-sentiment", usedMemoryMb: 20000 }]);
    expect(first[0]?.processes).toEqual([]);

    busy[1] = {
      ...(busy[1] as (typeof busy)[number]),
      utilizationPct: 12,
      memoryUsedMb: 1024,
      processes: [],
    };
    busy[3] = {
      ...(busy[3] as (typeof busy)[number]),
      utilizationPct: 99,
      memoryUsedMb: 80000,
      processes: [{ pid: 6001, name: "trainer", usedMemoryMb: 79000 }],
    };
    fake.set(busy);
    const second = await readHeartbeatGpus();
    expect(second.map((g) => [g.utilizationPct, g.memoryUsedMb])).toEqual([
      [0, 0],
      [12, 1024],
      [0, 0],
      [99, 80000],
    ]);
    expect(second[1]?.processes).toEqual([]);
    expect(second[3]?.processes).toEqual([{ pid: 6001, name: "trainer", usedMemoryMb: 79000 }]);
    expect(await readGpuLoad()).toMatchObject({ "gpu3.utilization": 99, "gpu3.memoryFreeMb": 1920 });
  });

  it("keeps a heartbeat within the API's bounds: the biggest users of memory first", async () => {
    const crowded = idleGpus(1);
    const processes = Array.from({ length: MAX_GPU_PROCESSES + 5 }, (_, i) => ({
      pid: 100 + i,
      name: `worker-${i}`,
      usedMemoryMb: i,
    }));
    fake.set([{ ...(crowded[0] as (typeof crowded)[number]), processes }]);
    const [gpu] = await readHeartbeatGpus();
    expect(gpu?.processes).toHaveLength(MAX_GPU_PROCESSES);
    expect(gpu?.processes[0]).toEqual({
      pid: 100 + MAX_GPU_PROCESSES + 4,
      name: `worker-${MAX_GPU_PROCESSES + 4}`,
      usedMemoryMb: MAX_GPU_PROCESSES + 4,
    });
    expect((await readGpuStatus())[0]?.processes).toHaveLength(MAX_GPU_PROCESSES + 5);
  });

  it("reports no GPUs when nvidia-smi fails or is missing", async () => {
    fake.fail();
    expect(await readHeartbeatGpus()).toEqual([]);
    expect(await readGpus()).toEqual([]);
    expect(await readGpuLoad()).toEqual({});
    expect(await readHeartbeatGpus(join(FAKE_NVIDIA_SMI_DIR, "no-such-nvidia-smi"))).toEqual([]);
  });
});
