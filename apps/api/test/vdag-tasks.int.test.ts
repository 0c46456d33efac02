import { randomUUID } from "node:crypto";
import type { Prisma } from "@aios/db";
import { connectQueueBackend, type QueueBackend } from "@aios/queue";
import { createLogger } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ControllerAnswer } from "../src/domains/vdags/controller-client";
import { VDAG_TASK_QUEUE } from "../src/domains/vdags/vdag-task-queue";
import { createVdagTasks, type Forward } from "../src/domains/vdags/vdag-tasks.service";
import { fakeUpstream } from "./fake-upstream";
import { useApiServer } from "./harness";

const VDAG = "dt-tasks:1.0.0-stable";
const log = createLogger({ service: "vdag-tasks-test" }, { level: "error" });

/** A controller in this process: answers each request after `delayMs`, counting them per task. */
function fakeForward(delayMs = 30) {
  const calls: Array<{ taskId: string; caller: string }> = [];
  const forward: Forward = async (_uri, taskId, request, caller) => {
    calls.push({ taskId, caller });
    await new Promise((r) => setTimeout(r, delayMs));
    const packet = { session_id: "s", seq_no: 0, data: request.data, ts: Date.now() };
    return { status: 200, body: { packet, outputs: {}, trace: [] } } satisfies ControllerAnswer;
  };
  return { calls, forward, callsOf: (taskId: string) => calls.filter((c) => c.taskId === taskId).length };
}

describe("async vDAG tasks through the API", () => {
  const api = useApiServer({ vdagTaskWorker: false });
  const controller = fakeUpstream("/v1/infer");

  beforeAll(async () => {
    const db = api.database.db;
    await db.vdag.create({
      data: { vdagURI: VDAG, vdagName: "dt-tasks", version: "1.0.0", releaseTag: "stable", status: "active" },
    });
    await db.vdagController.create({
      data: { id: "vdc-dtaaaaaa", vdagURI: VDAG, status: "running", url: await controller.listen() },
    });
  });
  afterAll(() => controller.server.close());

  it("records a request as queued, with its request and caller, and queues its job before answering", async () => {
    const res = await fetch(`${api.url}/v1/vdags/${encodeURIComponent(VDAG)}/infer?async=1`, {
      method: "POST",
      body: JSON.stringify({ data: { n: 7 } }),
    });
    expect(res.status).toBe(202);
    const { taskId, status } = (await res.json()) as { taskId: string; status: string };
    expect(status).toBe("queued");
    const row = await api.database.db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(row).toMatchObject({ status: "queued", input: { data: { n: 7 } }, caller: "address:127.0.0.1" });
    expect(await (await api.queues.queue(VDAG_TASK_QUEUE).getJob(taskId))?.getState()).toBe("waiting");
    expect((await api.services.vdagInference.get(taskId)).status).toBe("queued");

    // A worker takes it: the controller sees it with its caller, and it ends once.
    const worker = api.services.vdagInference.tasks.start();
    try {
      await expect
        .poll(async () => (await api.services.vdagInference.get(taskId)).status, { timeout: 15_000 })
        .toBe("succeeded");
    } finally {
      await worker.stop();
    }
    expect(controller.received.filter((r) => (r.body.data as { n?: number }).n === 7)).toHaveLength(1);
    const task = await api.services.vdagInference.get(taskId);
    expect(task.result).toMatchObject({ packet: { data: { n: 7 } } });
  });
});

describe.each(["redis", "postgres"] as const)("async vDAG task states and the sweep (%s queues)", (kind) => {
  const api = useApiServer({ vdagTaskWorker: false });
  let queues: QueueBackend;
  const db = () => api.database.db;

  beforeAll(() => {
    const redisUrl = process.env.AIOS_TEST_REDIS_URL;
    // The Redis case takes the file's Redis database; the harness's queues are the same one.
    queues =
      kind === "redis" && redisUrl
        ? connectQueueBackend({ kind: "redis", url: redisUrl })
        : connectQueueBackend({ kind: "postgres", url: api.database.url });
  });
  afterAll(async () => {
    await queues?.close();
  });

  /** A pending task as `submit` leaves it, `ageSeconds` old, with no job (the queue lost it). */
  const pendingTask = async (status: "queued" | "running", ageSeconds = 0) => {
    const id = randomUUID();
    await db().task.create({
      data: {
        id,
        kind: "vdag.infer",
        status,
        targetType: "vdag",
        targetId: VDAG,
        input: { data: { id } } as Prisma.InputJsonValue,
        caller: "token:t-1",
        createdAt: new Date(Date.now() - ageSeconds * 1000),
      },
    });
    return id;
  };
  const statusOf = async (id: string) => (await db().task.findUniqueOrThrow({ where: { id } })).status;
  const tasksWith = (forward: Forward, maxAgeSeconds = 600) =>
    createVdagTasks({ db: db(), queues, log, forward, settings: { maxAgeSeconds, concurrency: 8 } });

  it("takes a queued task to running, then to its end, and never ends it a second time", async () => {
    const ctl = fakeForward();
    let statusAtController: string | undefined;
    const tasks = tasksWith(async (uri, taskId, request, caller) => {
      statusAtController = await statusOf(taskId);
      return ctl.forward(uri, taskId, request, caller);
    });
    const id = await pendingTask("queued");
    expect(await tasks.run(id)).toBe("ended");
    expect(statusAtController).toBe("running");
    const ended = await db().task.findUniqueOrThrow({ where: { id } });
    expect(ended).toMatchObject({ status: "succeeded", result: { packet: { data: { id } } } });
    expect(ctl.calls.find((c) => c.taskId === id)?.caller).toBe("token:t-1");

    // Its job again (a duplicate, or a stalled one taken again): the task is left as it ended.
    expect(await tasks.run(id)).toBe("already ended");
    expect(ctl.callsOf(id)).toBe(1);
    expect(await db().task.findUniqueOrThrow({ where: { id } })).toEqual(ended);
  });

  it("ends a task once when two processes run the same request", async () => {
    const ctl = fakeForward(50);
    const a = tasksWith(ctl.forward);
    const b = tasksWith(ctl.forward);
    const id = await pendingTask("running");
    const outcomes = await Promise.all([a.run(id), b.run(id)]);
    expect(outcomes.sort()).toEqual(["already ended", "ended"]);
    expect(ctl.callsOf(id)).toBe(2); // the request may reach the controller twice
    expect(await statusOf(id)).toBe("succeeded");
  });

  it("ends a task failed, saying why, when its controller cannot be reached", async () => {
    const tasks = tasksWith(async () => {
      throw new Error(`the controller of vDAG ${VDAG} could not be reached: connect ECONNREFUSED`);
    });
    const id = await pendingTask("queued");
    expect(await tasks.run(id)).toBe("ended");
    const row = await db().task.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("failed");
    expect(row.error).toEqual({
      message: `the controller of vDAG ${VDAG} could not be reached: connect ECONNREFUSED`,
      stage: "controller",
    });
  });

  it("queues again the pending tasks no job carries, and a worker ends them", async () => {
    const ctl = fakeForward();
    const tasks = tasksWith(ctl.forward);
    const lost = [await pendingTask("queued"), await pendingTask("running"), await pendingTask("queued")];
    const carried = await pendingTask("queued");
    await tasks.enqueue(carried);
    const ended = await pendingTask("queued");
    expect(await tasks.run(ended)).toBe("ended");

    const swept = await tasks.reconcile({ graceMs: 0 });
    expect(swept).toEqual({ requeued: 3, expired: 0 });
    // A second sweep finds every one of them carried by a job.
    expect(await tasks.reconcile({ graceMs: 0 })).toEqual({ requeued: 0, expired: 0 });

    const worker = tasks.start();
    try {
      await expect
        .poll(async () => Promise.all([...lost, carried].map(statusOf)), { timeout: 20_000 })
        .toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    } finally {
      await worker.stop();
    }
    for (const id of [...lost, carried, ended]) expect(ctl.callsOf(id)).toBe(1);
    // A job kept after its task ended does not count as carrying a task: ended tasks are not swept.
    expect(await tasks.reconcile({ graceMs: 0 })).toEqual({ requeued: 0, expired: 0 });
  });

  it("queues again a pending task whose job gave up (failed), under the same id", async () => {
    const ctl = fakeForward();
    const tasks = tasksWith(ctl.forward);
    const id = await pendingTask("running");
    // A job that failed every attempt (the database was unreachable for its processor).
    const q = queues.queue<{ taskId: string }>(VDAG_TASK_QUEUE);
    await q.add("vdag.infer", { taskId: id }, { jobId: id, attempts: 1 });
    const failing = queues.worker(VDAG_TASK_QUEUE, async () => {
      throw new Error("the database is unreachable");
    });
    await expect.poll(async () => (await q.getJob(id))?.getState(), { timeout: 15_000 }).toBe("failed");
    await failing.close();

    expect(await tasks.reconcile({ graceMs: 0 })).toEqual({ requeued: 1, expired: 0 });
    expect(await (await q.getJob(id))?.getState()).toBe("waiting");
    expect(await tasks.run(id)).toBe("ended");
    expect(await statusOf(id)).toBe("succeeded");
  });

  it("fails pending tasks past the age limit, naming the setting, and leaves ended ones as they are", async () => {
    const ctl = fakeForward();
    const tasks = tasksWith(ctl.forward, 60);
    const old = [await pendingTask("queued", 120), await pendingTask("running", 120)];
    const young = await pendingTask("queued", 10);
    const oldEnded = await pendingTask("queued", 120);
    await db().task.update({
      where: { id: oldEnded },
      data: { status: "succeeded", finishedAt: new Date() },
    });

    expect(await tasks.reconcile({ graceMs: 0 })).toEqual({ requeued: 1, expired: 2 });
    for (const id of old) {
      const row = await db().task.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe("failed");
      expect(row.finishedAt).not.toBeNull();
      expect(row.error).toEqual({
        message:
          "the task did not end within 60 s of being accepted (AIOS_VDAG_TASK_MAX_AGE_SECONDS); it is not run again",
        stage: "controller",
      });
    }
    expect(await statusOf(oldEnded)).toBe("succeeded");
    expect(await statusOf(young)).toBe("queued");

    // A worker that takes the job of a task past the limit fails it without calling the controller.
    const late = await pendingTask("queued", 120);
    expect(await tasks.run(late)).toBe("expired");
    expect(ctl.callsOf(late)).toBe(0);
    expect(await statusOf(late)).toBe("failed");
  });
});
