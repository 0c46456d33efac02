import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, reportPlaced, useApi, useApiServer } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");

const BLOCK = "blk-wltarget";

/**
 * An agent reports where its block's executor listens, and the API sends data-plane calls there
 * and hands the answers back: an address that leads to the platform's own services or a cloud's
 * metadata service is not called (`workload-targets.ts`), and the caller is told why.
 */
describe("the API calls workloads only where workloads may listen", () => {
  const api = useApiServer();
  let executor: Server;
  let executorUrl = "";
  let calls = 0;

  /** What the block's agent reports when its executor starts: where it listens. */
  const report = (endpoint: string) =>
    api.database.db.block.update({
      where: { id: BLOCK },
      data: { doc: { runtime: { revision: 1, executorEndpoint: endpoint, executorDataToken: "t" } } },
    });
  const infer = async () => {
    const res = await fetch(`${api.url}/v1/blocks/${BLOCK}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { text: "hi" } }),
    });
    return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
  };

  beforeAll(async () => {
    executor = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        calls++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ packet: { session_id: "s", seq_no: 0, ts: 0, data: { ok: true } } }));
      });
    });
    await new Promise<void>((r) => executor.listen(0, "127.0.0.1", r));
    executorUrl = `http://127.0.0.1:${(executor.address() as AddressInfo).port}`;
    const db = api.database.db;
    await db.component.create({
      data: {
        componentURI: "model.wlt:1.0.0-stable",
        componentType: "model",
        name: "wlt",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: { id: BLOCK, componentURI: "model.wlt:1.0.0-stable", status: "running", doc: {} },
    });
  });
  afterAll(async () => {
    executor.closeAllConnections();
    await new Promise<void>((r) => executor.close(() => r()));
  });

  it("calls an executor on a workload's address", async () => {
    await report(executorUrl);
    expect(await infer()).toEqual({
      status: 200,
      body: { packet: { session_id: "s", seq_no: 0, ts: 0, data: { ok: true } } },
    });
    expect(calls).toBe(1);
  });

  it("does not call an executor reported at the API's own database, and says why", async () => {
    const database = new URL(api.database.url);
    await report(`http://${database.hostname}:${database.port}`);
    // Remembered for a moment (EXECUTOR_TTL_MS): the status event of a report forgets it; here, wait it out.
    await new Promise((r) => setTimeout(r, 1_100));
    const answer = await infer();
    expect(answer.status).toBe(503);
    expect(answer.body.error?.message).toBe(
      `the executor of block ${BLOCK} could not be reached: ${database.hostname}:${database.port} is the API's database (DATABASE_URL); a workload's address never leads the API to the platform's own services`,
    );
    // The same address on another loopback spelling is the same service.
    await report(`http://localhost:${database.port}`);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await infer()).body.error?.message).toMatch(/is the API's database \(DATABASE_URL\)/);
  });

  it("does not call a cloud's metadata service, for a call or for the block's live figures", async () => {
    await report("http://169.254.169.254/latest/meta-data");
    await new Promise((r) => setTimeout(r, 1_100));
    const why =
      "169.254.169.254 is a link-local (cloud metadata) address; the API calls workloads there only if AIOS_WORKLOAD_NETWORKS lists its network";
    const answer = await infer();
    expect(answer.status).toBe(503);
    expect(answer.body.error?.message).toBe(`the executor of block ${BLOCK} could not be reached: ${why}`);
    const err = await rejection(api.caller().blocks.metrics({ id: BLOCK }));
    expect(err.message).toBe(`the executor of block ${BLOCK} did not answer: ${why}`);
    expect(calls).toBe(1);
  });
});

describe("workloads reported where the API does not call them", () => {
  const api = useApi();
  const clusterId = `wl-${Date.now().toString(36)}`;
  const nodeId = `${clusterId}-n1`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };

  beforeAll(async () => {
    for (const file of ["components.json", "policies.json"])
      for (const { document } of loadSpecFile(resolve(examples, file)))
        await api.caller().parser.applySpec({ document });
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: nodeId, vcpus: 4, memoryMb: 8192, storageMb: 10_000, cpuModel: "test", gpus: [] },
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "echo-wl",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    });
  });

  it("fails a block whose executor listens there, naming the address and the rule, until it listens elsewhere", async () => {
    const report = (executorEndpoint: string) =>
      reportPlaced(api.caller(agent), "echo-wl", nodeId, { executorEndpoint, health: "healthy" });
    expect(await report("http://169.254.169.254:7100")).toEqual({
      status: "failed",
      reason: `its executor listens at http://169.254.169.254:7100, where the API does not call workloads: 169.254.169.254 is a link-local (cloud metadata) address; the API calls workloads there only if AIOS_WORKLOAD_NETWORKS lists its network (node ${nodeId})`,
    });
    expect(await report("http://127.0.0.1:7100")).toEqual({
      status: "running",
      reason: "1 of 1 instance(s) healthy",
    });
  });

  it("fails a vDAG whose controller listens there, saying why, until it listens elsewhere", async () => {
    const db = api.database.db;
    const vdagURI = "wl-vdag:1.0.0-stable";
    await db.vdag.create({
      data: { vdagURI, vdagName: "wl-vdag", version: "1.0.0", releaseTag: "stable", status: "assigned" },
    });
    await db.vdagController.create({ data: { id: "vc-wl", vdagURI, clusterId } });
    const report = (url: string) =>
      api.caller(agent).agents.work.reportVdagController({ controllerId: "vc-wl", url });
    expect(await report("http://169.254.169.254:7300")).toEqual({ status: "failed" });
    const failed = await api.caller().vdags.get({ vdagURI });
    expect([failed.status, failed.doc.statusReason]).toEqual([
      "failed",
      "its controller listens at http://169.254.169.254:7300, where the API does not call workloads: 169.254.169.254 is a link-local (cloud metadata) address; the API calls workloads there only if AIOS_WORKLOAD_NETWORKS lists its network",
    ]);
    expect(await report("http://127.0.0.1:7300")).toEqual({ status: "running" });
    expect((await api.caller().vdags.get({ vdagURI })).status).toBe("active");
  });

  it("takes a function replica listening there as failed, saying why", async () => {
    await api
      .caller()
      .functions.deploy({ name: "wl-fn", policyRuleURI: "round-robin:1.0.0-stable", clusterId });
    const report = (endpoint: string) =>
      api.caller(agent).agents.work.reportFunction({
        name: "wl-fn",
        replicas: [{ index: 0, endpoint, status: "ready", pid: 4242 }],
      });
    expect(await report("http://169.254.169.254:7200")).toEqual({ status: "degraded" });
    expect((await api.caller().functions.get({ name: "wl-fn" })).replicaStates).toEqual([
      {
        index: 0,
        endpoint: "http://169.254.169.254:7200",
        status: "failed",
        pid: 4242,
        message:
          "it listens at http://169.254.169.254:7200, where the API does not call workloads: 169.254.169.254 is a link-local (cloud metadata) address; the API calls workloads there only if AIOS_WORKLOAD_NETWORKS lists its network",
      },
    ]);
    expect(await report("http://127.0.0.1:7200")).toEqual({ status: "running" });
  });
});
