import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JaegerPeer, pinnedVersion, startJaeger } from "../../../scripts/jaeger-peer/index";

/**
 * The Jaeger test peer (testpeers/jaeger) that tests of the API's traces stand on: a span sent over
 * OTLP/HTTP as JSON, as any exporter would, comes back from the query API. Builds the peer when it
 * is missing (minutes, from the Go module proxy; testpeers/jaeger/README.md); a few seconds once
 * it is built.
 */

let jaeger: JaegerPeer | undefined;

beforeAll(async () => {
  jaeger = await startJaeger();
}, 1_800_000);

afterAll(async () => {
  await jaeger?.stop();
});

const peer = (): JaegerPeer => {
  if (!jaeger) throw new Error("Jaeger did not start");
  return jaeger;
};

/** Polls until `get` gives something, or fails after `timeoutMs` with Jaeger's log. */
async function eventually<T>(
  what: string,
  get: () => Promise<T | null | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const value = await get();
      if (value !== null && value !== undefined) return value;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s${lastError ? ` (${lastError})` : ""}; Jaeger's log:\n${peer().logTail()}`,
  );
}

/** The local addresses (`ip:port`) the process listens on over TCP, from /proc (Linux). */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (socket) inodes.add(socket);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ["tcp", "tcp6"]) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is cols[1] (hex ip:port), st cols[3] ("0A" = LISTEN), inode cols[9].
      if (cols[3] !== "0A" || !inodes.has(cols[9] ?? "")) continue;
      const [ip = "", port = ""] = (cols[1] ?? "").split(":");
      const address =
        ip.length === 8
          ? (ip.match(/../g) ?? [])
              .reverse()
              .map((b) => Number.parseInt(b, 16))
              .join(".")
          : ip === "00000000000000000000000001000000"
            ? "::1"
            : `[${ip}]`; // any other IPv6 address is shown raw: the test wants none
      found.push(`${address}:${Number.parseInt(port, 16)}`);
    }
  }
  return found.sort();
}

describe("the Jaeger test peer", () => {
  it("stores a span sent over OTLP/HTTP JSON and serves it from the query API", async () => {
    const { otlpHttpUrl } = peer();
    expect(otlpHttpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(peer().queryUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(pinnedVersion()).toMatch(/^v1\.\d+\.\d+$/); // the module; its cmd/jaeger is Jaeger v2

    const traceId = randomBytes(16).toString("hex");
    const spanId = randomBytes(8).toString("hex");
    const end = BigInt(Date.now()) * 1_000_000n;
    const start = end - 25_000_000n; // 25 ms
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "aios-peer-check" } }] },
          scopeSpans: [
            {
              scope: { name: "aios-test" },
              spans: [
                {
                  traceId,
                  spanId,
                  name: "peer-check",
                  kind: 2, // SERVER
                  startTimeUnixNano: start.toString(),
                  endTimeUnixNano: end.toString(),
                  attributes: [{ key: "aios.check", value: { stringValue: "jaeger-peer" } }],
                  status: { code: 1 }, // OK
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await fetch(`${otlpHttpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).not.toHaveProperty("partialSuccess.rejectedSpans");

    const services = await eventually("the service in /api/services", async () => {
      const names = await peer().services();
      return names.includes("aios-peer-check") ? names : null;
    });
    expect(services).toContain("aios-peer-check");

    const trace = await eventually("the trace in /api/traces/<id>", () => peer().trace(traceId));
    expect(trace.traceID).toBe(traceId);
    expect(trace.spans).toHaveLength(1);
    const [span] = trace.spans;
    expect(span?.spanID).toBe(spanId);
    expect(span?.operationName).toBe("peer-check");
    expect(span?.duration).toBe(25_000); // microseconds
    expect(span?.tags).toContainEqual(expect.objectContaining({ key: "aios.check", value: "jaeger-peer" }));
    expect(trace.processes[span?.processID ?? ""]?.serviceName).toBe("aios-peer-check");

    const found = await peer().findTraces("aios-peer-check", { operation: "peer-check" });
    expect(found.map((t) => t.traceID)).toContain(traceId);
    expect(await peer().trace(randomBytes(16).toString("hex"))).toBeNull();
  });

  it("listens on 127.0.0.1 only", () => {
    const addresses = listeningAddresses(peer().pid);
    const port = (url: string) => new URL(url).port;
    expect(addresses).toContain(`127.0.0.1:${port(peer().otlpHttpUrl)}`);
    expect(addresses).toContain(`127.0.0.1:${port(peer().queryUrl)}`);
    for (const address of addresses) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("stops: its process is gone and its folder removed", async () => {
    const { pid, dir } = peer();
    await peer().stop();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    expect(() => process.kill(-pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    expect(() => readdirSync(dir)).toThrow(expect.objectContaining({ code: "ENOENT" }));
    await expect(fetch(`${peer().queryUrl}/api/services`)).rejects.toThrow();
  });
});
