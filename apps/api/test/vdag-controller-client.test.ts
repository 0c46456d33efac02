import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type TVdagControlJob, vdagControlRoute } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControllerControl, vdagControllerClient } from "../src/domains/vdags/controller-client";
import { httpStatusOf } from "../src/errors";
import { createWorkloadTargets } from "../src/workload-targets";

/** A controller's routes over a real socket, answering each route as `answers` says. */
const answers: Record<string, [number, unknown]> = {
  "GET /health/check": [
    200,
    { healthy: false, reason: "b down", unhealthyBlocks: ["b"], checkedAt: 5, healthCheckData: {} },
  ],
  "GET /quota/s%201": [200, { sessionId: "s 1", count: 3, exists: true }],
  "POST /quota/reset/s%201": [200, { ok: true, sessionId: "s 1", count: 0 }],
  "POST /quota/reset/gone": [404, { error: { message: "no session gone", stage: "quota" } }],
  "POST /health/mgmt": [200, { ok: true, result: { threshold: 2 } }],
  "POST /quota/mgmt": [429, { error: { message: "slow down", stage: "quota" } }],
  "GET /status": [200, { controllerId: "c" }],
};
let server: Server;
let url = "";
const bodies: unknown[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (chunks.length > 0) bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    const [status, body] = answers[`${req.method} ${req.url}`] ?? [404, { error: { message: "no route" } }];
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The calls that went to the agent (the control routes' only way to the controller). */
const viaAgent: Array<TVdagControlJob["call"]> = [];

/** What the agent does with a `vdag.control` job: the call on the controller, status and body back. */
const agent: ControllerControl = async (call) => {
  viaAgent.push(call);
  const [method, path, body] = vdagControlRoute(call);
  const res = await fetch(`${url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
};

describe("the API's typed vDAG controller client", () => {
  const { dispatcher } = createWorkloadTargets();
  afterAll(() => dispatcher.close());
  const client = () => vdagControllerClient("v:1.0.0-stable", { url }, agent, dispatcher);

  it("reads each route's answer by its schema, escaping session ids", async () => {
    expect(await client().healthCheck()).toEqual({
      healthy: false,
      reason: "b down",
      unhealthyBlocks: ["b"],
      checkedAt: 5,
      healthCheckData: {},
    });
    expect(await client().quota("s 1")).toEqual({ sessionId: "s 1", count: 3, exists: true });
    expect(await client().quotaReset("s 1")).toEqual({ ok: true, sessionId: "s 1", count: 0 });
    expect(await client().mgmt("health", "setThreshold", { value: 2 })).toEqual({
      ok: true,
      result: { threshold: 2 },
    });
    expect(bodies.at(-1)).toEqual({ action: "setThreshold", data: { value: 2 } });
    // The control routes went through the agent (which holds the controller's token); reads did not.
    expect(viaAgent).toEqual([
      { route: "health.check" },
      { route: "quota.reset", sessionId: "s 1" },
      { route: "mgmt", service: "health", action: "setThreshold", data: { value: 2 } },
    ]);
  });

  it("keeps the controller's refusals: 429 is a quota refusal, another 4xx the caller's mistake", async () => {
    const quota = await client()
      .mgmt("quota", "x", null)
      .catch((e: Error) => e);
    expect(httpStatusOf(quota as Error)).toBe(429);
    expect((quota as Error).message).toContain("answered POST /quota/mgmt with 429: slow down");
    const gone = await client()
      .quotaReset("gone")
      .catch((e: Error) => e);
    expect(httpStatusOf(gone as Error)).toBe(400);
    expect((gone as Error).message).toContain("no session gone");
  });

  it("an answer that is not what the route gives is the controller's fault (503), named", async () => {
    const err = await client()
      .status()
      .catch((e: Error) => e);
    expect(httpStatusOf(err as Error)).toBe(503);
    expect((err as Error).message).toMatch(
      /vDAG v:1\.0\.0-stable answered GET \/status with what it should not/,
    );
  });

  it("an unreachable controller is a 503 naming the vDAG", async () => {
    const err = await vdagControllerClient("v:1.0.0-stable", { url: "http://127.0.0.1:1" }, agent, dispatcher)
      .quota("s")
      .catch((e: Error) => e);
    expect(httpStatusOf(err as Error)).toBe(503);
    expect((err as Error).message).toContain("the controller of vDAG v:1.0.0-stable could not be reached");
  });

  it("a controller reported at a cloud's metadata address is not called", async () => {
    const err = await vdagControllerClient(
      "v:1.0.0-stable",
      { url: "http://169.254.169.254" },
      agent,
      dispatcher,
    )
      .status()
      .catch((e: Error) => e);
    expect(httpStatusOf(err as Error)).toBe(503);
    expect((err as Error).message).toContain(
      "could not be reached: 169.254.169.254 is a link-local (cloud metadata) address; the API calls workloads there only if AIOS_WORKLOAD_NETWORKS lists its network",
    );
  });
});
