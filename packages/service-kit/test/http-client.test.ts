import { describe, expect, it } from "vitest";
import { fetchJson } from "../src/http-client";
import { serve } from "./serve";

describe("fetchJson", () => {
  it("sends the method, headers and body, and answers the parsed JSON", async () => {
    const { url } = await serve((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ method: req.method, token: req.headers["x-control-token"], body }));
      });
    });
    expect(
      await fetchJson(`${url}/config`, { method: "PUT", headers: { "x-control-token": "t" }, body: "{}" }),
    ).toEqual({
      method: "PUT",
      token: "t",
      body: "{}",
    });
    // GET by default, the connection reused.
    expect(await fetchJson(`${url}/status`)).toMatchObject({ method: "GET", body: "" });
  });

  it("throws on a status other than 2xx, naming the method, the URL, the status and the body", async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":"control token refused"}');
    });
    await expect(fetchJson(`${url}/desired`)).rejects.toThrow(
      `GET ${url}/desired: HTTP 401 {"error":"control token refused"}`,
    );
  });

  it("gives up on an answer that does not come within its time", async () => {
    const { url } = await serve(() => undefined); // takes the request, never answers
    const started = Date.now();
    await expect(fetchJson(`${url}/status`, {}, 200)).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("throws naming the socket's error when nothing listens", async () => {
    await expect(fetchJson("http://127.0.0.1:1/status")).rejects.toThrow(/ECONNREFUSED/);
  });
});
