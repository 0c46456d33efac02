import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeUpstream } from "./fake-upstream";
import { useApiServer } from "./harness";

describe("vDAG tasks", () => {
  const api = useApiServer();
  const controller = fakeUpstream("/v1/infer");
  const VDAG_T = "dp-tasks:1.0.0-stable";

  beforeAll(async () => {
    await api.database.db.vdag.create({
      data: {
        vdagURI: VDAG_T,
        vdagName: "dp-tasks",
        version: "1.0.0",
        releaseTag: "stable",
        status: "active",
      },
    });
    await api.database.db.vdagController.create({
      data: { id: "vdc-dpbbbbbb", vdagURI: VDAG_T, status: "running", url: await controller.listen() },
    });
  });
  afterAll(() => controller.server.close());

  /** Sends one request, then waits for its task to be stored (after the answer, off the request's path). */
  const finishedTask = async (query: string) => {
    const db = api.database.db;
    const before = await db.task.findMany({ where: { targetId: VDAG_T }, select: { id: true } });
    const res = await fetch(`${api.url}/v1/vdags/${encodeURIComponent(VDAG_T)}/infer${query}`, {
      method: "POST",
      body: JSON.stringify({ data: { n: 1 } }),
    });
    expect(res.status).toBe(query ? 202 : 200);
    await res.json();
    for (;;) {
      const row = await db.task.findFirst({
        where: { targetId: VDAG_T, id: { notIn: before.map((t) => t.id) }, finishedAt: { not: null } },
      });
      if (row)
        return {
          task: await api.services.vdagInference.get(row.id),
          arrivedAt: controller.received.at(-1)?.at,
        };
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it.each([
    ["synchronous", ""],
    ["async", "?async=1"],
  ])("records a %s task as created before the controller saw it and finished after", async (_, query) => {
    for (let i = 0; i < 3; i++) {
      const { task, arrivedAt } = await finishedTask(query);
      expect(task.status).toBe("succeeded");
      expect(Date.parse(task.createdAt)).toBeLessThanOrEqual(arrivedAt as number);
      expect(Date.parse(task.finishedAt as string)).toBeGreaterThanOrEqual(arrivedAt as number);
    }
  });

  it("ends a task whose answer the database cannot take as failed, saying why, instead of leaving it running", async () => {
    // A controller whose answer nests 200 deep: past what the database's JSON reader takes.
    const deep = JSON.parse(`${'{"a":'.repeat(200)}1${"}".repeat(200)}`) as object;
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ packet: { session_id: "s", seq_no: 0, data: deep, ts: 0 }, outputs: {}, trace: [] }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const uri = "dp-deep:1.0.0-stable";
    const db = api.database.db;
    await db.vdag.create({
      data: { vdagURI: uri, vdagName: "dp-deep", version: "1.0.0", releaseTag: "stable", status: "active" },
    });
    await db.vdagController.create({
      data: {
        id: "vdc-dpdeepaa",
        vdagURI: uri,
        status: "running",
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      },
    });
    try {
      const res = await fetch(`${api.url}/v1/vdags/${encodeURIComponent(uri)}/infer?async=1`, {
        method: "POST",
        body: JSON.stringify({ data: { n: 1 } }),
      });
      const { taskId } = (await res.json()) as { taskId: string };
      await expect
        .poll(async () => (await api.services.vdagInference.get(taskId)).status, { timeout: 10_000 })
        .toBe("failed");
      const task = await api.services.vdagInference.get(taskId);
      expect(task.error).toMatchObject({
        message: expect.stringMatching(/^the vDAG's answer could not be stored: /),
      });
    } finally {
      server.close();
    }
  });
});
