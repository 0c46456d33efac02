import { MAX_INPUT_DEPTH } from "@aios/contracts";
import { MAX_JSON_DEPTH } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ConflictError,
  DeniedError,
  ForbiddenError,
  OperationalError,
  QuotaExceededError,
  UserError,
} from "../src/errors";
import { fakeUpstream } from "./fake-upstream";
import { useApiServer } from "./harness";

const VDAG = "dp-pipeline:1.0.0-stable";
const IDLE_VDAG = "dp-idle:1.0.0-stable";
const BLOCK = "blk-dpaaaaaa";
const MiB = 2 ** 20;
const EXECUTOR_DATA_TOKEN = "data-token-of-the-dp-executor";
const CONTROLLER_DATA_TOKEN = "data-token-of-the-dp-controller";

const nested = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`) as object;
const deepBody = (depth: number) => `{"data":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`;

describe("the API's data plane answers client mistakes with a 4xx naming the problem", () => {
  const api = useApiServer();
  const controller = fakeUpstream("/v1/infer");
  const executor = fakeUpstream("/infer");

  const post = async (path: string, body: unknown, init: RequestInit = {}) => {
    const res = await fetch(`${api.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
      ...init,
    });
    return { status: res.status, body: (await res.json()) as { error: { message: string; stage: string } } };
  };
  const tasksOf = (vdagURI: string) => api.database.db.task.count({ where: { targetId: vdagURI } });

  beforeAll(async () => {
    const db = api.database.db;
    await db.vdag.createMany({
      data: [
        { vdagURI: VDAG, vdagName: "dp-pipeline", version: "1.0.0", releaseTag: "stable", status: "active" },
        {
          vdagURI: IDLE_VDAG,
          vdagName: "dp-idle",
          version: "1.0.0",
          releaseTag: "stable",
          status: "assigned",
        },
      ],
    });
    await db.vdagController.create({
      data: {
        id: "vdc-dpaaaaaa",
        vdagURI: VDAG,
        status: "running",
        url: await controller.listen(),
        doc: { dataToken: CONTROLLER_DATA_TOKEN },
      },
    });
    await db.component.create({
      data: {
        componentURI: "model.dp:1.0.0-stable",
        componentType: "model",
        name: "dp",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: {
        id: BLOCK,
        componentURI: "model.dp:1.0.0-stable",
        status: "running",
        doc: {
          runtime: {
            revision: 1,
            executorEndpoint: await executor.listen(),
            executorDataToken: EXECUTOR_DATA_TOKEN,
          },
        },
      },
    });
  });
  afterAll(() => {
    controller.server.close();
    executor.server.close();
  });

  it("forwards a good request to the vDAG's controller and to the block's executor", async () => {
    const vdag = await post(`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, { data: { text: "hi" } });
    expect(vdag.status).toBe(200);
    expect(controller.received.at(-1)?.body).toMatchObject({ data: { text: "hi" } });
    const block = await post(`/v1/blocks/${BLOCK}/infer`, { data: { text: "hi" } });
    expect(block.status).toBe(200);
    expect(executor.received.at(-1)?.body).toMatchObject({ packet: { data: { text: "hi" } } });
  });

  it("sends the executor its data token, and shows the token to no caller of the API", async () => {
    await post(`/v1/blocks/${BLOCK}/infer`, { data: { text: "token" } });
    expect(executor.received.at(-1)?.authorization).toBe(`Bearer ${EXECUTOR_DATA_TOKEN}`);
    const shown = await api.caller().blocks.get({ id: BLOCK });
    expect(shown.doc).toMatchObject({ runtime: { executorEndpoint: expect.any(String) } });
    expect(JSON.stringify(shown)).not.toContain(EXECUTOR_DATA_TOKEN);
    // Nor does a search reveal it (a LIKE on its prefix would, one character at a time).
    const variable = "runtime.executorDataToken";
    for (const filter of [
      { variable, operator: "LIKE", value: "data-token*" },
      { variable, operator: "==", value: EXECUTOR_DATA_TOKEN },
    ] as const)
      expect(await api.caller().blocks.search({ filter })).toEqual([]);
    const endpoint = { variable: "runtime.executorEndpoint", operator: "LIKE", value: "http://*" } as const;
    expect((await api.caller().blocks.search({ filter: endpoint })).map((b) => b.id)).toContain(BLOCK);
  });

  it("sends the vDAG controller its data token, and shows the token to no caller of the API", async () => {
    await post(`/v1/vdags/${VDAG}/infer`, { data: { text: "token" } });
    expect(controller.received.at(-1)?.authorization).toBe(`Bearer ${CONTROLLER_DATA_TOKEN}`);
    const caller = api.caller();
    const views = [
      await caller.vdags.controllers({ vdagURI: VDAG }),
      await caller.vdagControllers.list({}),
      await caller.vdagControllers.get({ id: "vdc-dpaaaaaa" }),
    ];
    expect(views[0]).toMatchObject([{ id: "vdc-dpaaaaaa", url: expect.any(String) }]);
    for (const view of views) expect(JSON.stringify(view)).not.toContain(CONTROLLER_DATA_TOKEN);
    // Nor does a search reach it: the controllers' filters name their record's fields only.
    for (const variable of ["dataToken", "doc.dataToken"])
      await expect(
        caller.vdagControllers.search({ filter: { variable, operator: "LIKE", value: "data-token*" } }),
      ).rejects.toThrow(variable);
  });

  it("answers a malformed percent-escape in the vDAG URI with 400 naming the segment", async () => {
    for (const segment of ["dp%ZZpipeline", "dp%E0%A4%A"]) {
      const r = await post(`/v1/vdags/${segment}/infer`, { data: {} });
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual({
        message: `vdagURI: the path segment "${segment}" has a malformed percent-escape`,
        stage: "request",
      });
    }
  });

  it("answers a data plane path with another method 405 naming the methods it takes", async () => {
    for (const path of [`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, `/v1/blocks/${BLOCK}/infer`]) {
      const r = await fetch(`${api.url}${path}`);
      expect([r.status, r.headers.get("allow")]).toEqual([405, "POST"]);
      expect(await r.json()).toEqual({
        error: { message: `GET ${path} is not allowed; it takes POST`, stage: "request" },
      });
    }
    expect((await fetch(`${api.url}/v1/tasks/not-a-task`, { method: "DELETE" })).status).toBe(405);
  });

  it("answers a NUL (%00) in the vDAG URI with 400, and no database text reaches the caller", async () => {
    const r = await post("/v1/vdags/dp%00pipeline/infer", { data: {} });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      'vdagURI: the path segment "dp%00pipeline" contains a NUL character (%00)',
    );
    const async = await post("/v1/vdags/dp%00pipeline/infer?async=1", { data: {} });
    expect(async.status).toBe(400);
  });

  it("answers a NUL inside a JSON string with 400 naming the field, storing no task", async () => {
    // The tasks of requests answered before are written first (in a batch, a moment later).
    await api.services.vdagInference.flushTasks();
    const before = await tasksOf(VDAG);
    const sent = controller.received.length;
    for (const query of ["", "?async=1"]) {
      const r = await post(`/v1/vdags/${encodeURIComponent(VDAG)}/infer${query}`, {
        data: { items: [{ text: "a\u0000b" }] },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toBe(
        "data.items[0].text: contains a NUL character (\\u0000), which cannot be stored",
      );
    }
    expect(controller.received.length).toBe(sent);
    expect(await tasksOf(VDAG)).toBe(before);
  });

  it("answers a request that does not fit with 400 naming every field and why, forwarding nothing", async () => {
    const sent = controller.received.length;
    const r = await post(`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, { session_id: "", seq_no: -1 });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({
      message: [
        "session_id: Too small: expected string to have >=1 characters",
        "seq_no: Too small: expected number to be >=0",
        "data: Invalid input: expected record, received undefined",
      ].join("; "),
      stage: "request",
    });
    expect(controller.received.length).toBe(sent);
  });

  it("answers JSON nested 10,000 deep with 400 naming the depth limit, forwarding nothing", async () => {
    const sent = { controller: controller.received.length, executor: executor.received.length };
    for (const path of [`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, `/v1/blocks/${BLOCK}/infer`]) {
      const r = await post(path, deepBody(10_000));
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual({
        message: `(body): JSON is nested deeper than ${MAX_JSON_DEPTH} levels, the most the data plane accepts`,
        stage: "request",
      });
    }
    expect({ controller: controller.received.length, executor: executor.received.length }).toEqual(sent);
    // Under the reader's limit but past what the API stores (a vDAG task keeps its request): 400
    // naming the field and MAX_INPUT_DEPTH.
    const deep = await post(`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, { data: nested(MAX_INPUT_DEPTH) });
    expect(deep.status).toBe(400);
    expect(deep.body.error?.message).toMatch(/^data(\.a)+: nests deeper than 64 levels.*\(MAX_INPUT_DEPTH\)/);
    expect({ controller: controller.received.length, executor: executor.received.length }).toEqual(sent);
    // Just under that limit (the body's own object is one level) still goes through.
    const ok = await post(`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, {
      data: nested(MAX_INPUT_DEPTH - 2),
    });
    expect(ok.status).toBe(200);
  });

  it("answers a body over 16 MiB with 413 naming the limit and the setting, before closing the connection", async () => {
    const expected = {
      message: "(body): is larger than 16 MiB, the most the data plane reads (AIOS_MAX_BODY_MB)",
      stage: "request",
    };
    const big = Buffer.alloc(16 * MiB + 1024, 0x20); // a Content-Length over the limit
    for (const path of [`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, `/v1/blocks/${BLOCK}/infer`]) {
      const r = await post(path, big.toString());
      expect(r.status).toBe(413);
      expect(r.body.error).toEqual(expected);
    }
    // Without a length (chunked): refused once the bytes read pass the limit, the rest unread.
    const chunk = new Uint8Array(MiB).fill(0x20);
    let chunks = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (chunks++ < 20) c.enqueue(chunk);
        else c.close();
      },
    });
    const r = await post(`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, undefined, {
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(r.status).toBe(413);
    expect(r.body.error).toEqual(expected);
  });

  it("answers an unknown vDAG, block or task with 404, and a vDAG not served yet with 503", async () => {
    const vdag = await post(`/v1/vdags/${encodeURIComponent("dp-nope:1.0.0-stable")}/infer`, { data: {} });
    expect(vdag).toMatchObject({ status: 404, body: { error: { stage: "request" } } });
    expect(vdag.body.error.message).toContain('vDAG "dp-nope:1.0.0-stable" was not found');
    const block = await post("/v1/blocks/blk-dpnope/infer", { data: {} });
    expect(block).toMatchObject({ status: 404, body: { error: { stage: "request" } } });
    const task = await fetch(`${api.url}/v1/tasks/00000000-0000-4000-8000-000000000000`);
    expect(task.status).toBe(404);
    const idle = await post(`/v1/vdags/${encodeURIComponent(IDLE_VDAG)}/infer`, { data: {} });
    expect(idle).toMatchObject({ status: 503, body: { error: { stage: "controller" } } });
    expect(idle.body.error.message).toContain("has no running controller yet");
  });

  it.each([
    ["UserError", new UserError("data.x: bad"), 400],
    ["ForbiddenError", new ForbiddenError("not this cluster"), 403],
    ["DeniedError", new DeniedError("the policy says no"), 403],
    ["ConflictError", new ConflictError("already"), 409],
    ["QuotaExceededError", new QuotaExceededError("quota reached"), 429],
    ["OperationalError", new OperationalError("busy"), 503],
  ] as const)("answers a %s with HTTP %i, as tRPC does", async (_, err, status) => {
    const spy = vi.spyOn(api.services.vdagInference, "infer").mockRejectedValueOnce(err);
    const r = await post(`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, { data: {} });
    spy.mockRestore();
    expect(r.status).toBe(status);
    expect(r.body.error.message).toBe(err.message);
  });

  it("answers an error outside the taxonomy with 500 and a reference, never its text", async () => {
    const leak = 'invalid byte sequence for encoding "UTF8": 0x00';
    const spy = vi.spyOn(api.services.vdagInference, "infer").mockRejectedValueOnce(new Error(leak));
    const r = await post(`/v1/vdags/${encodeURIComponent(VDAG)}/infer`, { data: {} });
    spy.mockRestore();
    expect(r.status).toBe(500);
    expect(r.body.error.message).toMatch(/^internal error \(ref [0-9a-f]{8}\)$/);
    expect(JSON.stringify(r.body)).not.toContain("UTF8");
  });
});
