import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import {
  BadJson,
  BodyTooLarge,
  ClientAbort,
  dataPlaneBodyLimit,
  JsonTooDeep,
  MAX_JSON_DEPTH,
  RequestError,
  readBody,
  readJson,
  requestErrorStatus,
  sendError,
  sendJson,
  workloadEnv,
} from "../src";
import { serve } from "./serve";

const MiB = 2 ** 20;
const limit = dataPlaneBodyLimit(1); // 1 MiB, named AIOS_MAX_BODY_MB
const tooLarge = "(body): is larger than 1 MiB, the most the data plane reads (AIOS_MAX_BODY_MB)";

/** A JSON echo server over readJson, answering each refusal with its own status and message. */
const jsonEcho = (seen: unknown[] = []) =>
  serve(async (req, res) => {
    try {
      sendJson(res, 200, { got: await readJson(req, limit) });
    } catch (err) {
      seen.push(err);
      const status = requestErrorStatus(err);
      if (status === undefined) throw err;
      sendError(res, status, "request", (err as Error).message);
    }
  });

type Answer = { got?: unknown; error: { message: string; stage: string } };
const post = async (url: string, init: RequestInit) => {
  const res = await fetch(url, { method: "POST", ...init });
  return {
    status: res.status,
    connection: res.headers.get("connection"),
    body: (await res.json()) as Answer,
  };
};

/** Raw bytes to the server; everything it sends back until it closes the connection. */
function rawExchange(port: number, text: string, then: "wait" | "destroy" = "wait"): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => (answer += d.toString("latin1")));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.write(text, () => {
      if (then === "destroy") socket.destroy();
    });
  });
}

describe("readJson", () => {
  it("reads a JSON body of any size up to the limit", async () => {
    const { url } = await jsonEcho();
    const text = "x".repeat(MiB - 2 - 2); // '"' + text + '"' plus nothing else: just under 1 MiB
    const r = await post(url, { body: JSON.stringify(text) });
    expect(r.status).toBe(200);
    expect(r.body.got).toBe(text);
  });

  it("answers a declared Content-Length over the limit with 413 naming it, before closing", async () => {
    const seen: unknown[] = [];
    const { url } = await jsonEcho(seen);
    const r = await post(url, { body: " ".repeat(2 * MiB) });
    expect(r).toEqual({
      status: 413,
      connection: "close",
      body: { error: { message: tooLarge, stage: "request" } },
    });
    expect(seen[0]).toBeInstanceOf(BodyTooLarge);
    expect(seen[0]).toMatchObject({ status: 413, limit: MiB, setting: "AIOS_MAX_BODY_MB" });
  });

  it("refuses on Content-Length alone, without waiting for the body", async () => {
    const { port } = await jsonEcho();
    // Headers only: a server that waited for the body would never answer.
    const answer = await rawExchange(
      port,
      "POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000000\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer).toContain(tooLarge);
  });

  it("answers a streamed body without length with 413 once it passes the limit, before closing", async () => {
    const seen: unknown[] = [];
    const { url } = await jsonEcho(seen);
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 32)
          c.enqueue(chunk); // 8 MiB in all
        else c.close();
      },
    });
    const r = await post(url, { body, duplex: "half" } as RequestInit);
    expect(r).toEqual({
      status: 413,
      connection: "close",
      body: { error: { message: tooLarge, stage: "request" } },
    });
    expect(seen[0]).toBeInstanceOf(BodyTooLarge);
  });

  it("takes a client that closes mid-body as a ClientAbort (400)", async () => {
    let failed!: (err: unknown) => void;
    const failure = new Promise<unknown>((r) => (failed = r));
    const { port } = await serve((req, res) => {
      readBody(req, limit).then(
        () => res.end(),
        (err) => failed(err),
      );
    });
    await rawExchange(port, "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n0123456789", "destroy");
    const err = await failure;
    expect(err).toBeInstanceOf(ClientAbort);
    expect(err).toMatchObject({
      status: 400,
      message: "(body): the connection closed before the whole body arrived",
    });
  });

  it("answers a body that is not JSON, or empty, with 400 naming the body", async () => {
    const seen: unknown[] = [];
    const { url } = await jsonEcho(seen);
    const bad = await post(url, { body: "{nope" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^\(body\): is not valid JSON: /);
    const empty = await post(url, { body: " \n" });
    expect(empty).toMatchObject({
      status: 400,
      body: { error: { message: "(body): is empty; expected JSON" } },
    });
    expect(seen.every((e) => e instanceof BadJson)).toBe(true);
  });

  it("answers JSON nested past the depth limit with 400 naming the limit, and takes it up to the limit", async () => {
    const seen: unknown[] = [];
    const { url } = await jsonEcho(seen);
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const deep = await post(url, { body: nested(100_000) });
    expect(deep).toMatchObject({
      status: 400,
      body: {
        error: {
          message: `(body): JSON is nested deeper than ${MAX_JSON_DEPTH} levels, the most the data plane accepts`,
        },
      },
    });
    expect(seen[0]).toBeInstanceOf(JsonTooDeep);
    expect((await post(url, { body: nested(MAX_JSON_DEPTH) })).status).toBe(200);
  });

  it("names a limit that is not a whole number of MiB in bytes, and no setting when none chose it", () => {
    expect(new BodyTooLarge(1000).message).toBe(
      "(body): is larger than 1000 bytes, the most this route reads",
    );
    expect(requestErrorStatus(new Error("x"))).toBeUndefined();
    expect(new ClientAbort()).toBeInstanceOf(RequestError);
  });
});

describe("AIOS_MAX_BODY_MB", () => {
  const base = { PORT: "4100", AIOS_CONTROL_TOKEN: "none", AIOS_DATA_TOKEN: "none" };
  it("is part of every workload's environment: 16 MiB unless set, a positive whole number", () => {
    expect(workloadEnv({}).parse(base).AIOS_MAX_BODY_MB).toBe(16);
    expect(workloadEnv({}).parse({ ...base, AIOS_MAX_BODY_MB: "32" }).AIOS_MAX_BODY_MB).toBe(32);
    expect(workloadEnv({}).safeParse({ ...base, AIOS_MAX_BODY_MB: "0" }).success).toBe(false);
    expect(dataPlaneBodyLimit(32)).toEqual({ limit: 32 * MiB, setting: "AIOS_MAX_BODY_MB" });
  });
});
