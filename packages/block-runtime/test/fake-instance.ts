import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeInstance {
  id: string;
  endpoint: string;
  server: Server;
  /** /infer calls answered. */
  hits: number;
  /** The `authorization` header of each /infer call (the executor sends the instance's data token). */
  authorizations: Array<string | undefined>;
  delayMs: number;
  healthy: boolean;
  stop(): Promise<void>;
}

/** A small instance speaking the protocol: /infer echoes the packet with `data.servedBy`. */
export async function startFakeInstance(
  id: string,
  opts: { delayMs?: number; port?: number } = {},
): Promise<FakeInstance> {
  const inst: FakeInstance = {
    id,
    endpoint: "",
    server: undefined as unknown as Server,
    hits: 0,
    authorizations: [],
    delayMs: opts.delayMs ?? 0,
    healthy: true,
    stop: () =>
      new Promise<void>((r) => {
        inst.server.close(() => r());
        inst.server.closeAllConnections();
      }),
  };
  inst.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/health")
        return send(inst.healthy ? 200 : 503, { status: inst.healthy ? "healthy" : "unhealthy" });
      if (req.url !== "/infer") return send(404, { error: { message: "no route", stage: "request" } });
      inst.authorizations.push(req.headers.authorization);
      const { packet } = JSON.parse(Buffer.concat(chunks).toString());
      if (packet.data?.fail) return send(500, { error: { message: "boom", stage: "infer", instanceId: id } });
      const answer = () => {
        inst.hits++;
        send(200, { packet: { ...packet, data: { ...packet.data, servedBy: id } } });
      };
      if (inst.delayMs > 0) setTimeout(answer, inst.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => inst.server.listen(opts.port ?? 0, "127.0.0.1", r));
  inst.endpoint = `http://127.0.0.1:${(inst.server.address() as AddressInfo).port}`;
  return inst;
}

export const packet = (data: Record<string, unknown> = {}, seq = 0) => ({
  session_id: "test",
  seq_no: seq,
  data,
  ts: Date.now(),
});

export async function infer(
  url: string,
  data: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${url}/infer`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ packet: packet(data) }),
  });
  return {
    status: res.status,
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answers
    body: (await res.json()) as any,
    instanceId: res.headers.get("x-aios-instance-id"),
    nodeId: res.headers.get("x-aios-node"),
  };
}

export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: test helper reading arbitrary JSON
export const getJson = async (url: string): Promise<any> => (await fetch(url)).json();
