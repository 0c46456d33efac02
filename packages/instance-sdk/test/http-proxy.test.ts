import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import httpProxy from "../../../examples/components/http-proxy/http-proxy";
import { checkTarget, guardedLookup, refusedAddress } from "../../../examples/components/http-proxy/target";
import { testComponent } from "../src/index";

let upstream: Server;
let base = "";
const seen: unknown[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url === "/fail") return res.writeHead(503).end("overloaded");
      if (req.url === "/slow") return void setTimeout(() => res.end("{}"), 500);
      if (req.url === "/list") return res.end("[1,2]");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ echoed: JSON.parse(body), via: req.url }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => upstream.close());

const allowed = { initSettings: { allowPrivateTargets: true, timeoutMs: 200 } };

describe("http-proxy", () => {
  it("refuses loopback, metadata and non-http targets at init", async () => {
    await expect(
      testComponent(httpProxy, { parameters: { url: "http://127.0.0.1:8080/x" } }),
    ).rejects.toThrow(/127\.0\.0\.1 is a loopback, link-local or metadata address/);
    await expect(
      testComponent(httpProxy, { parameters: { url: "http://169.254.169.254/latest" } }),
    ).rejects.toThrow(/169\.254\.169\.254/);
    await expect(testComponent(httpProxy, { parameters: { url: "http://localhost:1/" } })).rejects.toThrow(
      /loopback name/,
    );
    await expect(testComponent(httpProxy, { parameters: { url: "file:///etc/passwd" } })).rejects.toThrow(
      /http or https/,
    );
    await expect(
      testComponent(httpProxy, { parameters: { url: "http://[::ffff:127.0.0.1]/" } }),
    ).rejects.toThrow(/loopback/);
  });

  it("checks every address a name resolves to, and each kind of refused range", async () => {
    for (const a of [
      "127.1.2.3",
      "0.0.0.0",
      "169.254.1.1",
      "::1",
      "fe80::1",
      "fd00:ec2::254",
      "::ffff:a9fe:a9fe",
    ])
      expect(refusedAddress(a), a).toBeDefined();
    for (const a of ["10.0.0.1", "192.168.1.1", "8.8.8.8", "2001:db8::1"])
      expect(refusedAddress(a), a).toBeUndefined();
    await expect(checkTarget("http://localhost.:9/", false)).rejects.toThrow(/loopback name/);
    const rebinding = async () => ["93.184.216.34", "169.254.169.254"];
    await expect(checkTarget("http://api.example/", false, rebinding)).rejects.toThrow(
      /api\.example: 169\.254\.169\.254/,
    );
    const publicOnly = async () => ["93.184.216.34"];
    expect((await checkTarget("https://api.example/x", false, publicOnly)).href).toBe(
      "https://api.example/x",
    );
  });

  it("refuses at connect time a name that resolves to a refused address (DNS rebinding)", async () => {
    const error = await new Promise((r) => guardedLookup("localhost", {}, (e) => r(e)));
    expect(error).toMatchObject({ name: "TargetRefused", message: /localhost: 127\.0\.0\.1 is a loopback/ });
  });

  it("allows 127.0.0.1 with allowPrivateTargets and proxies the data as a JSON POST", async () => {
    const t = await testComponent(httpProxy, {
      ...allowed,
      parameters: { url: `${base}/infer`, headers: { "x-key": "k" } },
    });
    expect(await t.infer({ q: "hello" })).toEqual({ echoed: { q: "hello" }, via: "/infer" });
    expect(seen.at(-1)).toMatchObject({
      method: "POST",
      headers: { "content-type": "application/json", "x-key": "k" },
    });
    await t.setParameters({ url: `${base}/list`, method: "PUT" });
    expect(await t.infer({})).toEqual({ result: [1, 2] });
    expect(seen.at(-1)).toMatchObject({ method: "PUT" });
  });

  it("maps upstream failures to stage infer: the upstream status, 504 on timeout, 502 unreachable", async () => {
    const t = await testComponent(httpProxy, { ...allowed, parameters: { url: `${base}/fail` } });
    await expect(t.infer({})).rejects.toMatchObject({
      status: 503,
      stage: "infer",
      message: /upstream answered 503: overloaded/,
    });
    await t.setParameters({ url: `${base}/slow` });
    await expect(t.infer({})).rejects.toMatchObject({ status: 504, stage: "infer" });
    await t.setParameters({ url: "http://127.0.0.1:1/" });
    await expect(t.infer({})).rejects.toMatchObject({ status: 502, message: /ECONNREFUSED/ });
  });

  it("re-checks the URL on setParameters", async () => {
    const t = await testComponent(httpProxy, { parameters: { url: "http://192.0.2.10/" } });
    await expect(t.setParameters({ url: "http://169.254.169.254/" })).rejects.toMatchObject({
      status: 422,
      issues: [{ path: "parameters.url" }],
    });
    expect(t.ctx.parameters).toEqual({ url: "http://192.0.2.10/" });
  });
});
