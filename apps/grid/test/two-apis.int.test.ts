import { readFileSync, readlinkSync } from "node:fs";
import { request } from "node:http";
import { createConnection, createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInHost } from "../src/host-processes";
import { namespacePids } from "../src/ip";
import { applyEchoAnd, bringUp, type GridSession, gridOfOwn, tearDownGrid, until } from "./grid-test-kit";

/**
 * Two API processes on the management host behind one address: the launcher's API (port 4000) and a
 * second one started with its environment on port 4001, both on the same PostgreSQL and Redis, with
 * a round-robin TCP front (this test's, on loopback) as the one address clients use. A grid of one
 * cluster of one node (name `aiosa`, subnet 10.225.0.0/16).
 */
const own = gridOfOwn("aios-grid-two-apis-", "aiosa", "10.225.0.0/16");
const { env } = own;
const SECOND_PORT = 4001;

let g: GridSession;
let front: { server: Server; url: string; served: number[] };
const figure = (line: string) => process.stdout.write(`grid two APIs: ${line}\n`);

/** The launcher's API process on the management host: its pid, environment and folder. */
function launcherApi(namespace: string) {
  for (const pid of namespacePids(namespace)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      if (!argv.some((a) => a.endsWith("apps/api/src/main.ts"))) continue;
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
      return {
        pid,
        argv,
        cwd: readlinkSync(`/proc/${pid}/cwd`),
        env: Object.fromEntries(
          environ.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
        ),
      };
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no API process on ${namespace}`);
}

/** One address in front of `backends`: each new connection goes to the next one, in turn. */
async function roundRobin(backends: Array<{ host: string; port: number }>) {
  const served = backends.map(() => 0);
  let next = 0;
  const server = createServer((client) => {
    const i = next++ % backends.length;
    served[i] = (served[i] ?? 0) + 1;
    const upstream = createConnection(backends[i] as { host: string; port: number });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, served };
}

/** A tRPC subscription read over SSE (as the console reads it), with the admin token. */
function openSse<T>(url: string, path: string) {
  const abort = new AbortController();
  const events: T[] = [];
  let connected!: () => void;
  const ready = new Promise<void>((r) => {
    connected = r;
  });
  void (async () => {
    const res = await fetch(`${url}/trpc/${path}`, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${g.token}` },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`${path} at ${url}: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const fields = new Map(
          block.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trimStart()]),
        );
        if (fields.get("event") === "connected") connected();
        else if (!fields.has("event") && fields.has("data"))
          events.push(JSON.parse(fields.get("data") ?? "null"));
      }
    }
  })().catch(() => undefined);
  return { events, ready, close: () => abort.abort() };
}

/** A tRPC mutation over HTTP on a connection of its own (so the front hands it to the next API). */
function mutate(url: string, path: string, input: unknown): Promise<void> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/trpc/${path}`,
      {
        method: "POST",
        agent: false,
        headers: { authorization: `Bearer ${g.token}`, "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`${path}: HTTP ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const createBlock = (url: string, blockId: string) =>
  mutate(url, "parser.applySpec", {
    document: {
      header: { templateUri: "Parser/V1", action: "createBlock" },
      body: {
        spec: {
          values: {
            blockComponentURI: "model.echo:1.0.0-stable",
            blockId,
            clusterId: "c1",
            minInstances: 1,
            maxInstances: 1,
          },
        },
      },
    },
  });

describe("two API processes behind one address on the grid's management host", () => {
  let second: { url: string; pid: number };
  let first: { url: string };

  beforeAll(async () => {
    g = await bringUp(env, ["--clusters", "1", "--nodes", "1", "--no-console"]);
    await applyEchoAnd(g.api, []);
    const mgmt = g.status.hosts.find((h) => h.role === "management");
    if (!mgmt) throw new Error("no management host");
    const api = launcherApi(mgmt.namespace);
    const pid = startInHost({
      namespace: mgmt.namespace,
      command: api.argv,
      // Its gRPC server on a free port: the first API holds the shared one.
      env: { ...api.env, AIOS_API_PORT: String(SECOND_PORT), AIOS_GRPC_PORT: "0" },
      cwd: api.cwd,
      log: join(env.AIOS_GRID_HOME, "hosts", mgmt.name, "api-2.log"),
    });
    second = { url: `http://${mgmt.address}:${SECOND_PORT}`, pid };
    first = { url: g.status.apiUrl };
    await until("the second API to answer", 120_000, async () =>
      (await fetch(`${second.url}/healthz`).catch(() => null))?.ok ? true : null,
    );
    front = await roundRobin([
      { host: mgmt.address, port: Number(new URL(first.url).port) },
      { host: mgmt.address, port: SECOND_PORT },
    ]);
  }, 480_000);

  afterAll(async () => {
    front?.server.close();
    await tearDownGrid(own, g);
  }, 120_000);

  it("a change made through one API process is seen live through the other, and through the one address both serve", async () => {
    type Status = { blockId: string; status: string };
    const onFirst = openSse<Status>(first.url, "blocks.onStatus");
    const onSecond = openSse<Status>(second.url, "blocks.onStatus");
    await Promise.all([onFirst.ready, onSecond.ready]);

    // Each change through one process, seen live through the other (and its own).
    await createBlock(first.url, "via-first");
    await createBlock(second.url, "via-second");
    const seen = (events: Status[], blockId: string) =>
      events.filter((e) => e.blockId === blockId).map((e) => e.status);
    for (const [name, stream] of [
      ["first", onFirst],
      ["second", onSecond],
    ] as const)
      for (const blockId of ["via-first", "via-second"])
        await until(`the ${name} API's live view to see ${blockId} running`, 120_000, async () =>
          seen(stream.events, blockId).includes("running") ? true : null,
        );

    // Through the one address: new connections go to each process in turn; a live view opened
    // there sees a change made there, whichever process took either.
    const viaFront = openSse<Status>(front.url, "blocks.onStatus");
    await viaFront.ready;
    for (const blockId of ["front-a", "front-b"]) await createBlock(front.url, blockId);
    for (const blockId of ["front-a", "front-b"])
      await until(`the live view through the one address to see ${blockId} running`, 120_000, async () =>
        seen(viaFront.events, blockId).includes("running") ? true : null,
      );
    for (const stream of [onFirst, onSecond, viaFront]) stream.close();
    expect(front.served.every((n) => n > 0)).toBe(true);
    expect(namespacePids(g.status.hosts[0]?.namespace ?? "")).toContain(second.pid);

    figure(
      `the first API's live view: ${onFirst.events.length} events, the second's: ${onSecond.events.length}; ` +
        `via-first as seen through the second: [${seen(onSecond.events, "via-first").join(" -> ")}], ` +
        `via-second as seen through the first: [${seen(onFirst.events, "via-second").join(" -> ")}]; ` +
        `connections through the one address: ${front.served.join(" and ")}`,
    );
  }, 600_000);
});
