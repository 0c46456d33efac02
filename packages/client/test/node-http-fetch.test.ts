import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { findFreePort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHttpFetch } from "../src/node-http-fetch";

describe("nodeHttpFetch", () => {
  let server: Server;
  let url: string;
  let seen: { method?: string; headers?: IncomingMessage["headers"]; body?: string } = {};
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        seen = { method: req.method, headers: req.headers, body };
        if (req.url === "/slow") return void setTimeout(() => res.end("{}"), 5_000);
        res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify({ path: req.url }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("sends the method, headers and body, and reads status and JSON", async () => {
    const res = await nodeHttpFetch(`${url}/trpc/x`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer t" },
      body: '{"a":1}',
    });
    expect([res.ok, res.status]).toEqual([true, 200]);
    expect(await res.json()).toEqual({ path: "/trpc/x" });
    expect(seen).toMatchObject({ method: "POST", body: '{"a":1}', headers: { authorization: "Bearer t" } });
  });

  it("takes headers as pairs, and answers a 404 as not ok with its body", async () => {
    const res = await nodeHttpFetch(new URL(`${url}/missing`), { headers: [["x-aios-test", "1"]] });
    expect([res.ok, res.status]).toEqual([false, 404]);
    expect(await res.text()).toBe('{"path":"/missing"}');
    expect(seen.headers?.["x-aios-test"]).toBe("1");
  });

  it("rejects like fetch when nothing listens: TypeError 'fetch failed' caused by the system error", async () => {
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    const err = await nodeHttpFetch(closed).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe("fetch failed");
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("stops a request when its signal aborts, with the signal's reason", async () => {
    const controller = new AbortController();
    const pending = nodeHttpFetch(`${url}/slow`, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error("gave up")), 50);
    expect(((await pending) as Error).message).toBe("gave up");
  });
});
