import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Workload } from "../src/drivers/driver";
import { outOfMemory } from "../src/drivers/instance-limits";
import { createProcessDriver } from "../src/drivers/process-driver";

const HELLO = "apps/agents/test/fixtures/http-hello.ts";

/**
 * Untrusted code kept in its place by the process driver: an instance runs with its heap held to
 * its memory, its address space to that plus the runtime's reserve (so buffers outside the heap
 * are bounded too), and a lower priority than the platform; one that allocates without end ends,
 * out of memory, while its neighbours keep answering.
 */
describe("instances held to their memory and a lower priority", () => {
  const driver = createProcessDriver({
    repoRoot: resolve(import.meta.dirname, "../../.."),
    stateDir: mkdtempSync(join(tmpdir(), "aios-limits-")),
    instanceNice: 7,
  });
  const started: Workload[] = [];
  const start = async (name: string, memoryMb?: number, kind: "instance" | "executor" = "instance") => {
    const w = await driver.start({
      name,
      kind,
      entry: HELLO,
      env: {},
      gpus: [],
      ...(memoryMb ? { memoryMb } : {}),
    });
    started.push(w);
    return w;
  };
  const get = async (w: Workload, path: string) => (await fetch(`${w.endpoint}${path}`)).json();
  afterAll(async () => {
    await Promise.all(started.map((w) => w.stop().catch(() => undefined)));
  });

  it("gives an instance its heap limit and the instances' priority; the platform's runtimes neither", async () => {
    const limited = await start("limits-a", 128);
    expect(await get(limited, "/limits")).toMatchObject({ nice: 7 });
    const heap = ((await get(limited, "/limits")) as { heapLimitMb: number }).heapLimitMb;
    expect(heap).toBeGreaterThanOrEqual(128);
    expect(heap).toBeLessThan(200);
    const runtime = await start("limits-executor", undefined, "executor");
    const free = (await get(runtime, "/limits")) as { heapLimitMb: number; nice: number };
    expect(free.nice).toBe(0);
    expect(free.heapLimitMb).toBeGreaterThan(heap);
  });

  it("ends an instance that fills its heap, out of memory, and its neighbour keeps answering", async () => {
    const leaker = await start("limits-heap", 96);
    const neighbour = await start("limits-neighbour", 96);
    await fetch(`${leaker.endpoint}/leak-heap`).catch(() => undefined);
    const { code, signal } = await leaker.exited;
    expect(code !== 0 || signal !== null).toBe(true);
    expect(outOfMemory(leaker.logs(20), 96)).toBe("out of memory (its limit: 96 MB)");
    expect(await get(neighbour, "/")).toEqual({ hello: "world" });
  }, 60_000);

  it("ends an instance that fills memory outside its heap, held by its address space", async () => {
    const leaker = await start("limits-buffers", 96);
    await fetch(`${leaker.endpoint}/leak-buffers`).catch(() => undefined);
    const { code, signal } = await leaker.exited;
    expect(code !== 0 || signal !== null).toBe(true);
    expect(outOfMemory(leaker.logs(20), 96)).toBe("out of memory (its limit: 96 MB)");
  }, 60_000);
});
