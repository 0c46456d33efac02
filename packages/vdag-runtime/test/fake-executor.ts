import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TAiosPacket, TVdagNodeRuntime } from "@aios/contracts";
import type { TVdagControllerConfigInput } from "../src";

export interface ExecutorCall {
  packet: TAiosPacket;
  vdagNode: TVdagNodeRuntime;
  /** The request's `authorization` header (the controller sends the executor's data token). */
  authorization?: string;
}

export interface Answer {
  status?: number;
  body?: unknown;
  delayMs?: number;
  instanceId?: string;
}

export type Handler = (call: ExecutorCall, exec: FakeExecutor) => Answer | undefined;

export interface FakeExecutor {
  blockId: string;
  endpoint: string;
  port: number;
  calls: ExecutorCall[];
  /** Requests whose connection closed before they were answered (aborted by the controller). */
  aborted: number;
  healthy: boolean;
  handler: Handler | undefined;
  stop(): Promise<void>;
}

/** The default answer: the packet with the block id appended to `data.trail`. */
export function echo(call: ExecutorCall, exec: FakeExecutor): Answer {
  const data = call.packet.data as { trail?: string[] };
  return {
    body: {
      packet: { ...call.packet, data: { ...call.packet.data, trail: [...(data.trail ?? []), exec.blockId] } },
    },
  };
}

/**
 * A block executor speaking the protocol: POST /infer {packet, vdagNode} -> the handler's answer
 * (default `echo`), with `x-aios-instance-id: <blockId>-i1` (and `x-aios-node` when it is given a
 * node); GET /health per `healthy`.
 */
export async function startFakeExecutor(
  blockId: string,
  handler?: Handler,
  opts: { port?: number; nodeId?: string } = {},
): Promise<FakeExecutor> {
  const exec: FakeExecutor = {
    blockId,
    endpoint: "",
    port: 0,
    calls: [],
    aborted: 0,
    healthy: true,
    handler,
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown, instanceId?: string) => {
        if (res.destroyed) return;
        res.writeHead(status, {
          "content-type": "application/json",
          ...(instanceId ? { "x-aios-instance-id": instanceId } : {}),
          ...(opts.nodeId ? { "x-aios-node": opts.nodeId } : {}),
        });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/health") {
        return send(exec.healthy ? 200 : 503, {
          status: exec.healthy ? "healthy" : "unhealthy",
          blockId,
          instances: { healthy: exec.healthy ? 1 : 0, total: 1 },
        });
      }
      if (req.url !== "/infer" || req.method !== "POST")
        return send(404, { error: { message: "no route", stage: "request" } });
      const call = JSON.parse(Buffer.concat(chunks).toString()) as ExecutorCall;
      if (req.headers.authorization) call.authorization = req.headers.authorization;
      exec.calls.push(call);
      const answer = (exec.handler ?? echo)(call, exec) ?? echo(call, exec);
      const instanceId = answer.instanceId ?? `${blockId}-i1`;
      let done = false;
      res.on("close", () => {
        if (!done) exec.aborted++;
      });
      const reply = () => {
        done = true;
        send(answer.status ?? 200, answer.body ?? echo(call, exec).body, instanceId);
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  exec.port = (server.address() as AddressInfo).port;
  exec.endpoint = `http://127.0.0.1:${exec.port}`;
  return exec;
}

export interface NodeDef {
  blockId: string;
  /** The block's cluster, handed out with its executor. */
  clusterId?: string;
  endpoint: string | null;
  /** The executor's data token, handed out with its endpoint. */
  dataToken?: string;
  next?: string[];
  /** The node's own `next` labels (its vDAG's namespace); default: `next`. */
  ownNext?: string[];
}

/** A plan from nodes listed producers first; inputs, heads, tails and order are derived. */
export function makePlan(vdagURI: string, nodes: Record<string, NodeDef>) {
  const labels = Object.keys(nodes);
  const inputs = (label: string) => labels.filter((l) => nodes[l]!.next?.includes(label));
  const graph = Object.fromEntries(labels.map((l) => [l, nodes[l]!.ownNext ?? nodes[l]!.next ?? []]));
  return {
    vdagURI,
    heads: labels.filter((l) => inputs(l).length === 0),
    tails: labels.filter((l) => (nodes[l]!.next ?? []).length === 0),
    order: labels,
    assignment: Object.fromEntries(labels.map((l) => [l, nodes[l]!.blockId])),
    nodes: Object.fromEntries(
      labels.map((l) => {
        const n = nodes[l]!;
        return [
          l,
          {
            label: l,
            blockId: n.blockId,
            executorEndpoint: n.endpoint,
            ...(n.clusterId ? { clusterId: n.clusterId } : {}),
            ...(n.dataToken ? { executorDataToken: n.dataToken } : {}),
            inputs: inputs(l),
            next: n.next ?? [],
            node: { vdagURI, nodeLabel: l, next: n.ownNext ?? n.next ?? [], graph },
          },
        ];
      }),
    ),
  };
}

export function makeConfig(
  plan: ReturnType<typeof makePlan>,
  extra: Partial<TVdagControllerConfigInput> = {},
): TVdagControllerConfigInput {
  return {
    controllerId: "ctl-test",
    vdagURI: plan.vdagURI,
    plan,
    stepTimeoutMs: 5_000,
    retries: 1,
    fanInTimeoutMs: 5_000,
    ...extra,
  };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answers
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answers
export const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
