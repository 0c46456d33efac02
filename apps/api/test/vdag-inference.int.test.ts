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
});
