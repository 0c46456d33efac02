import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveAll } from "../src/address-ranges";
import { loadApiEnv, workloadTargetsOf } from "../src/env";
import { createWorkloadTargets, WORKLOAD_TARGET_REFUSED } from "../src/workload-targets";

const DB = { name: "the API's database (DATABASE_URL)", host: "127.0.0.1", port: 5432 };
/** An address of one of this host's interfaces other than loopback, when it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flatMap((l) => l ?? [])
  .find((i) => i.family === "IPv4" && !i.internal)?.address;

describe("where the API calls workloads", () => {
  it.each([
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["fe80::1", "link-local (cloud metadata)"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::a9fe:a9fe", "reserved"],
  ])("refuses %s by default: a %s address", (address, kind) => {
    expect(createWorkloadTargets().refusalOf(address, 8080)).toBe(
      `${address} is a ${kind} address; the API calls workloads there only if AIOS_WORKLOAD_NETWORKS lists its network`,
    );
  });

  it.each(["127.0.0.1", "::1", "10.1.2.3", "192.168.7.8", "100.64.0.1", "fd00::5", "93.184.215.14"])(
    "calls a workload at %s by default (loopback, private and public addresses)",
    (address) => {
      expect(createWorkloadTargets().refusalOf(address, 8080)).toBeNull();
    },
  );

  it("with AIOS_WORKLOAD_NETWORKS, calls workloads in those networks only", () => {
    const targets = createWorkloadTargets({ networks: ["10.20.0.0/16", "169.254.7.7"] });
    expect(targets.refusalOf("10.20.3.4", 80)).toBeNull();
    expect(targets.refusalOf("169.254.7.7", 80)).toBeNull();
    expect(targets.refusalOf("10.21.0.1", 80)).toBe(
      "10.21.0.1 is outside AIOS_WORKLOAD_NETWORKS (10.20.0.0/16, 169.254.7.7), the networks the API calls workloads in",
    );
    expect(targets.refusalOf("127.0.0.1", 80)).toMatch(/^127\.0\.0\.1 is outside AIOS_WORKLOAD_NETWORKS/);
  });

  it("never calls the platform's own services, on any address of this host when they listen on loopback", () => {
    const targets = createWorkloadTargets({
      networks: ["0.0.0.0/0", "::/0"],
      ownServices: [DB, { name: "the queues' Redis (REDIS_URL)", host: "10.0.0.5", port: 6379 }],
    });
    const own = `is the API's database (DATABASE_URL); a workload's address never leads the API to the platform's own services`;
    for (const address of ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1", "0.0.0.0"]) {
      expect(targets.refusalOf(address, 5432)).toBe(`${address.replace("::ffff:", "")}:5432 ${own}`);
    }
    if (lanAddress) expect(targets.refusalOf(lanAddress, 5432)).toBe(`${lanAddress}:5432 ${own}`);
    expect(targets.refusalOf("127.0.0.1", 5433)).toBeNull();
    expect(targets.refusalOf("10.9.9.9", 5432)).toBeNull();
    expect(targets.refusalOf("10.0.0.5", 6379)).toMatch(
      /^10\.0\.0\.5:6379 is the queues' Redis \(REDIS_URL\)/,
    );
    expect(targets.refusalOf("10.0.0.6", 6379)).toBeNull();
  });

  it("knows an own service by its name's addresses", () => {
    const resolve: ResolveAll = (host, cb) =>
      cb(null, host === "db.internal" ? [{ address: "10.3.0.9", family: 4 }] : []);
    const targets = createWorkloadTargets({
      ownServices: [
        { name: "the API's database (DATABASE_URL)", host: "db.internal", port: 5432 },
        { name: "the API (AIOS_API_PORT)", host: "localhost", port: 4000 },
      ],
      resolve,
    });
    expect(targets.refusalOf("10.3.0.9", 5432)).toMatch(/is the API's database/);
    expect(targets.refusalOf("127.0.0.1", 4000)).toMatch(/is the API \(AIOS_API_PORT\)/);
    expect(targets.refusalOf("10.3.0.10", 5432)).toBeNull();
  });

  it("checks a URL as written: its address, a localhost name; a name waits for its connection", () => {
    const targets = createWorkloadTargets({ ownServices: [DB] });
    expect(targets.refusal("http://169.254.169.254/latest")).toMatch(/^169\.254\.169\.254 is a link-local/);
    expect(targets.refusal("http://[::ffff:127.0.0.1]:5432")).toMatch(
      /^127\.0\.0\.1:5432 is the API's database/,
    );
    expect(targets.refusal("http://localhost:5432/")).toMatch(/^127\.0\.0\.1:5432 is the API's database/);
    expect(targets.refusal("http://127.0.0.1:7100")).toBeNull();
    expect(targets.refusal("http://exec.cluster-a:5432")).toBeNull();
    expect(targets.refusal("no url")).toBe("no url is not a URL");
  });

  it("reads AIOS_WORKLOAD_NETWORKS and the API's own services from its environment", () => {
    const base = {
      DATABASE_URL: "postgresql://postgres:postgres@127.0.0.1:55432/aios",
      REDIS_URL: "redis://queue.internal:6380",
      AIOS_API_PORT: "4100",
      AIOS_GRPC_PORT: "4101",
    };
    expect(workloadTargetsOf(loadApiEnv(base))).toEqual({
      networks: [],
      ownServices: [
        { name: "the API's database (DATABASE_URL)", host: "127.0.0.1", port: 55432 },
        { name: "the queues' Redis (REDIS_URL)", host: "queue.internal", port: 6380 },
        { name: "the API (AIOS_API_PORT)", host: "127.0.0.1", port: 4100 },
        { name: "the API's gRPC (AIOS_GRPC_PORT)", host: "127.0.0.1", port: 4101 },
      ],
    });
    const env = loadApiEnv({ ...base, AIOS_WORKLOAD_NETWORKS: " 10.20.0.0/16, fd00::/8 ,," });
    expect(workloadTargetsOf(env).networks).toEqual(["10.20.0.0/16", "fd00::/8"]);
    expect(() => loadApiEnv({ ...base, AIOS_WORKLOAD_NETWORKS: "10.0.0.0/8,cluster-a" })).toThrow(
      "AIOS_WORKLOAD_NETWORKS: cluster-a is not an IP address or a network such as 10.0.0.0/8",
    );
  });
});

describe("the API's connections to workloads", () => {
  let server: Server;
  let port = 0;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.host);
      res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = (targets: ReturnType<typeof createWorkloadTargets>, origin: string) =>
    targets.dispatcher
      .request({ origin, path: "/status", method: "GET" })
      .then(async (res) => {
        await res.body.dump();
        return res.statusCode;
      })
      .catch((e: Error & { code?: string }) => e)
      .finally(() => targets.dispatcher.close());

  it("connects to an allowed workload", async () => {
    seen.length = 0;
    expect(await get(createWorkloadTargets(), `http://127.0.0.1:${port}`)).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it("refuses a workload at an own service's port before connecting", async () => {
    seen.length = 0;
    const targets = createWorkloadTargets({ ownServices: [{ ...DB, port }] });
    const err = (await get(targets, `http://127.0.0.1:${port}`)) as Error & { code?: string };
    expect(err.code).toBe(WORKLOAD_TARGET_REFUSED);
    expect(err.message).toBe(
      `127.0.0.1:${port} is the API's database (DATABASE_URL); a workload's address never leads the API to the platform's own services`,
    );
    expect(seen).toHaveLength(0);
  });

  it("checks every address a name resolves to, and connects to the one it checked", async () => {
    seen.length = 0;
    const resolve: ResolveAll = (host, cb) =>
      host === "exec.cluster-a"
        ? cb(null, [{ address: "127.0.0.1", family: 4 }])
        : cb(null, [
            { address: "93.184.215.14", family: 4 },
            { address: "169.254.169.254", family: 4 },
          ]);
    expect(await get(createWorkloadTargets({ resolve }), `http://exec.cluster-a:${port}`)).toBe(200);
    expect(seen).toEqual([`exec.cluster-a:${port}`]);
    const err = (await get(createWorkloadTargets({ resolve }), `http://rebind.example:${port}`)) as Error & {
      code?: string;
    };
    expect(err.code).toBe(WORKLOAD_TARGET_REFUSED);
    expect(err.message).toBe(
      "rebind.example: 169.254.169.254 is a link-local (cloud metadata) address; the API calls workloads there only if AIOS_WORKLOAD_NETWORKS lists its network",
    );
    expect(seen).toHaveLength(1);
  });
});
