import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "./harness";

const BLOCK = "blk-dpmoving";

/** A stand-in executor that takes `/infer` with `token` only (401 otherwise) and names itself. */
function executor(name: string, token: { value: string }) {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const ok = req.headers.authorization === `Bearer ${token.value}`;
      if (ok) calls++;
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          ok
            ? { packet: { session_id: "s", seq_no: 0, ts: 0, data: { servedBy: name } } }
            : { error: { message: "a data token is required", stage: "request" } },
        ),
      );
    });
  });
  return {
    server,
    calls: () => calls,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The data plane remembers a block's executor for a moment (`block-executor.ts`): when the
 * executor moved or its token changed meanwhile, the call still reaches the block's executor of now.
 */
describe("the data plane follows a block's executor when it moves or its token changes", () => {
  const api = useApiServer();
  const tokenA = { value: "token-of-executor-a" };
  const tokenB = { value: "token-of-executor-b" };
  const a = executor("a", tokenA);
  const b = executor("b", tokenB);

  const infer = async () => {
    const res = await fetch(`${api.url}/v1/blocks/${BLOCK}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { text: "hi" } }),
    });
    return { status: res.status, body: (await res.json()) as { packet?: { data: { servedBy: string } } } };
  };
  /** What the block's agent reports when its executor (re)starts: where it listens, its token. */
  const report = (endpoint: string, token: string) =>
    api.database.db.block.update({
      where: { id: BLOCK },
      data: { doc: { runtime: { revision: 1, executorEndpoint: endpoint, executorDataToken: token } } },
    });

  beforeAll(async () => {
    const db = api.database.db;
    await db.component.create({
      data: {
        componentURI: "model.dpm:1.0.0-stable",
        componentType: "model",
        name: "dpm",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: { id: BLOCK, componentURI: "model.dpm:1.0.0-stable", status: "running", doc: {} },
    });
    await report(await a.listen(), tokenA.value);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("sends the call to where the executor listens now when the one it knew is gone", async () => {
    expect(await infer()).toMatchObject({ status: 200, body: { packet: { data: { servedBy: "a" } } } });
    // The executor restarted elsewhere: the old one no longer listens, the new one has its own token.
    await a.close();
    await report(await b.listen(), tokenB.value);
    expect(await infer()).toMatchObject({ status: 200, body: { packet: { data: { servedBy: "b" } } } });
    expect(b.calls()).toBe(1);
  });

  it("sends the call again with the executor's new token when it refused the one the API knew", async () => {
    expect((await infer()).status).toBe(200);
    tokenB.value = "token-of-executor-b-restarted";
    await report(`http://127.0.0.1:${(b.server.address() as AddressInfo).port}`, tokenB.value);
    expect(await infer()).toMatchObject({ status: 200, body: { packet: { data: { servedBy: "b" } } } });
  });
});
