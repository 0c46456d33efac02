import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { CONTROLLER_TTL_MS } from "../src/domains/vdags/vdag-controller-lookup";
import { fakeUpstream } from "./fake-upstream";
import { useApiServer } from "./harness";

/**
 * The controller of a vDAG is remembered a moment by the data plane (`vdag-controller-lookup.ts`),
 * and a request's task is written in a batch after its answer (`vdag-task-rows.ts`).
 */
describe("requests to a vDAG's controller", () => {
  const api = useApiServer();
  const servers: Array<{ close(): void }> = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  const vdagWith = async (name: string, controllerId: string, url: string, dataToken?: string) => {
    const uri = `${name}:1.0.0-stable`;
    await api.database.db.vdag.create({
      data: { vdagURI: uri, vdagName: name, version: "1.0.0", releaseTag: "stable", status: "active" },
    });
    await api.database.db.vdagController.create({
      data: { id: controllerId, vdagURI: uri, status: "running", url, doc: dataToken ? { dataToken } : {} },
    });
    return uri;
  };
  const infer = (uri: string, data: unknown = { n: 1 }) =>
    fetch(`${api.url}/v1/vdags/${encodeURIComponent(uri)}/infer`, {
      method: "POST",
      body: JSON.stringify({ data }),
    });
  const controller = async (token?: string) => {
    const c = fakeUpstream("/v1/infer");
    servers.push(c.server);
    const url = await c.listen();
    if (token) {
      // Only requests with its data token are answered; others get 401, as a controller does.
      const answer = c.server.listeners("request")[0] as (...a: unknown[]) => void;
      c.server.removeAllListeners("request");
      c.server.on("request", (req, res) => {
        if (req.headers.authorization !== `Bearer ${token}`) {
          res.writeHead(401, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "data token required", stage: "request" } }));
          return;
        }
        answer(req, res);
      });
    }
    return { ...c, url };
  };

  it("reaches a controller that moved while it was remembered, without the caller seeing the move", async () => {
    const first = await controller();
    const uri = await vdagWith("lookup-moved", "vdc-lookupaa", first.url);
    expect((await infer(uri)).status).toBe(200);
    // The controller restarts elsewhere; its row says so, and no status event tells this process.
    const second = await controller();
    first.server.closeAllConnections();
    await new Promise((r) => first.server.close(r));
    await api.database.db.vdagController.update({ where: { id: "vdc-lookupaa" }, data: { url: second.url } });
    const res = await infer(uri);
    expect(res.status).toBe(200);
    expect(second.received).toHaveLength(1);
  });

  it("sends a request again with the controller's new data token when the remembered one is refused", async () => {
    const old = await controller("token-old");
    const uri = await vdagWith("lookup-token", "vdc-lookupbb", old.url, "token-old");
    expect((await infer(uri)).status).toBe(200);
    // Restarted on the same address with a new data token.
    old.server.closeAllConnections();
    await new Promise((r) => old.server.close(r));
    const port = Number(new URL(old.url).port);
    const renewed = fakeUpstream("/v1/infer");
    servers.push(renewed.server);
    const guarded = createServer((req, res) => {
      if (req.headers.authorization !== "Bearer token-new") {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "data token required", stage: "request" } }));
        return;
      }
      renewed.server.emit("request", req, res);
    });
    servers.push(guarded);
    await new Promise<void>((r) => guarded.listen(port, "127.0.0.1", r));
    await api.database.db.vdagController.update({
      where: { id: "vdc-lookupbb" },
      data: { doc: { dataToken: "token-new" } },
    });
    const res = await infer(uri);
    expect(res.status).toBe(200);
    expect(renewed.received.map((r) => r.authorization)).toEqual(["Bearer token-new"]);
  });

  it("forgets a removed vDAG at once, and reads a stopped controller again after the moment", async () => {
    const c = await controller();
    const uri = await vdagWith("lookup-removed", "vdc-lookupcc", c.url);
    expect((await infer(uri)).status).toBe(200);
    await api.services.vdagControllers.reportController("vdc-lookupcc", { url: null }, null);
    // The report forgets it in this process: no controller runs, 503 at once.
    expect((await infer(uri)).status).toBe(503);
    await api.database.db.vdagController.update({
      where: { id: "vdc-lookupcc" },
      data: { status: "running", url: c.url },
    });
    await new Promise((r) => setTimeout(r, CONTROLLER_TTL_MS + 50));
    expect((await infer(uri)).status).toBe(200);
  });

  it("writes the tasks answered together in one batch, and ends as failed the one the database refuses", async () => {
    // PostgreSQL's jsonb takes no NUL character; an answer nesting 200 deep it takes (Prisma did not).
    const deep = JSON.parse(`${'{"a":'.repeat(200)}1${"}".repeat(200)}`) as object;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => {
        body += d.toString();
      });
      req.on("end", () => {
        const data = (JSON.parse(body) as { data: { deep?: boolean; nul?: boolean } }).data;
        res.writeHead(200, { "content-type": "application/json" });
        const answer = data.deep ? deep : data.nul ? { text: "a\u0000b" } : data;
        const packet = { session_id: "s", seq_no: 0, data: answer, ts: 0 };
        res.end(JSON.stringify({ packet, outputs: {}, trace: [] }));
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const uri = await vdagWith(
      "lookup-batch",
      "vdc-lookupdd",
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    const answers = await Promise.all([
      infer(uri, { n: 1 }),
      infer(uri, { deep: true }),
      infer(uri, { nul: true }),
      infer(uri, { n: 3 }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await api.services.vdagInference.flushTasks();
    const rows = await api.database.db.task.findMany({
      where: { targetId: uri },
      orderBy: { createdAt: "asc" },
    });
    expect(rows.map((r) => r.status).sort()).toEqual(["failed", "succeeded", "succeeded", "succeeded"]);
    const failed = rows.find((r) => r.status === "failed");
    expect(failed?.error).toMatchObject({
      message: expect.stringMatching(/^the vDAG's answer could not be stored: /),
    });
    const deepTask = await api.services.vdagInference.get(
      rows.find((r) => JSON.stringify(r.input).includes("deep"))?.id ?? "",
    );
    expect(deepTask.status).toBe("succeeded");
    for (const r of rows) {
      expect(r.kind).toBe("vdag.infer");
      expect(r.finishedAt?.getTime()).toBeGreaterThanOrEqual(r.createdAt.getTime());
      expect(r.traceparent).toMatch(/^00-/);
    }
  });
});
