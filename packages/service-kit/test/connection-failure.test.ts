import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connectionFailure, errorCode, findFreePort, neverConnected } from "../src";

const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r)))));

/** A TCP server that takes a request's first bytes, then closes the connection without answering. */
async function dropsConnections(how: "reset" | "close"): Promise<number> {
  const server = createServer((socket) => {
    socket.once("data", () => (how === "reset" ? socket.resetAndDestroy() : socket.destroy()));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as { port: number }).port;
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("the request succeeded");
    },
    (err: unknown) => err,
  );

/** node:http's request, whose errors carry the socket's code themselves (no cause). */
const nodeGet = (port: number) =>
  new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/" }, resolve);
    req.on("error", reject);
    req.end();
  });

describe("connectionFailure", () => {
  it("is refused for a closed port, through fetch's cause and node:http alike", async () => {
    const port = await findFreePort();
    const viaFetch = await failureOf(fetch(`http://127.0.0.1:${port}/`));
    expect((viaFetch as Error).cause).toBeDefined(); // undici wraps the socket's error
    expect([connectionFailure(viaFetch), errorCode(viaFetch)]).toEqual(["refused", "ECONNREFUSED"]);
    const viaNode = await failureOf(nodeGet(port));
    expect([connectionFailure(viaNode), errorCode(viaNode)]).toEqual(["refused", "ECONNREFUSED"]);
    expect(neverConnected(connectionFailure(viaFetch))).toBe(true);
  });

  it("is reset for a connection reset or closed under a request", async () => {
    for (const how of ["reset", "close"] as const) {
      const port = await dropsConnections(how);
      for (const err of [
        await failureOf(fetch(`http://127.0.0.1:${port}/`)),
        await failureOf(nodeGet(port)),
      ]) {
        expect(connectionFailure(err), `${how}: ${errorCode(err)}`).toBe("reset");
        expect(neverConnected(connectionFailure(err))).toBe(false);
      }
    }
  });

  it("is null for other errors, and walks causes and an AggregateError's errors once each", () => {
    for (const err of [
      new Error("x"),
      { code: "UND_ERR_ABORTED" },
      { code: "UND_ERR_HEADERS_TIMEOUT" },
      undefined,
      "x",
    ])
      expect(connectionFailure(err)).toBeNull();
    expect(connectionFailure({ cause: { cause: { code: "EHOSTUNREACH" } } })).toBe("unreachable");
    expect(connectionFailure({ code: "UND_ERR_CONNECT_TIMEOUT" })).toBe("timeout");
    expect(
      connectionFailure(
        new AggregateError([new Error("a"), Object.assign(new Error("b"), { code: "ECONNREFUSED" })]),
      ),
    ).toBe("refused");
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(connectionFailure(loop)).toBeNull();
    expect(errorCode({ cause: { code: "EPIPE" } })).toBe("EPIPE");
  });
});
