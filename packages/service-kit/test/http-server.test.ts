import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BodyTooLarge, parseJson, readBody, sendBody, sendError, sendJson } from "../src";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  return new Promise((resolve) =>
    server!.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`),
    ),
  );
}

describe("http-server", () => {
  it("reads the body and answers JSON with its length", async () => {
    const url = await serve(async (req, res) => {
      const body = await readBody(req, 1024);
      sendJson(res, 201, { got: parseJson(body.toString("utf8")) });
    });
    const res = await fetch(url, { method: "POST", body: '{"a":"é"}' });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    const text = await res.text();
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text)).toEqual({ got: { a: "é" } });
  });

  it("rejects a body over the limit with BodyTooLarge", async () => {
    let error: unknown;
    const url = await serve(async (req, res) => {
      try {
        await readBody(req, 4);
      } catch (err) {
        error = err;
      }
      sendError(res, 413, "request", "too large");
    });
    await fetch(url, { method: "POST", body: "0123456789" }).catch(() => undefined);
    expect(error).toBeInstanceOf(BodyTooLarge);
  });

  it("sends error bodies and other content types", async () => {
    const url = await serve((req, res) => {
      if (req.url === "/text") return sendBody(res, 200, "hi", "text/plain", { "x-a": "1" });
      sendError(res, 404, "request", "no route", { issues: [] });
    });
    const text = await fetch(`${url}/text`);
    expect([text.headers.get("content-type"), text.headers.get("x-a"), await text.text()]).toEqual([
      "text/plain",
      "1",
      "hi",
    ]);
    const err = await fetch(`${url}/x`);
    expect(await err.json()).toEqual({ error: { message: "no route", stage: "request", issues: [] } });
  });

  it("parseJson answers undefined for text that is not JSON", () => {
    expect(parseJson("")).toBeUndefined();
    expect(parseJson("{")).toBeUndefined();
    expect(parseJson("null")).toBeNull();
  });
});
